namespace Hyperfit.Models.Cpu;

/// <summary><see cref="CpuKernels.MatVec(SimdWidth, float*, int, int, float*, int, float*, int, int, float*)"/> split
/// by output ranges over a <see cref="CpuTeam"/>: each thread streams its own slice of the weight matrix once for
/// every row. The result equals the single-threaded product bit for bit (each output is computed by the same code
/// whichever thread takes its range).</summary>
internal sealed unsafe class ChunkedMatVec : IChunkedWork
{
    // Chunks per thread: enough that a helper starting late or a slower core still shares the work evenly.
    private const int ChunksPerThread = 4;

    // Outputs per chunk are a multiple of this (whole 64-byte lines of y for one row).
    private const int OutputAlignment = 16;

    private readonly CpuTeam _team;
    private readonly SimdWidth _width;
    private float* _w, _x, _y, _bias;
    private int _outputs, _inputs, _xStride, _yStride, _rows, _perChunk;

    public ChunkedMatVec(CpuTeam team, SimdWidth width)
    {
        _team = team;
        _width = width;
    }

    /// <summary><c>y[r, o] = Σᵢ w[o, i] · x[r, i] (+ bias[o])</c> for <paramref name="rows"/> rows, as
    /// <see cref="CpuKernels.MatVec(SimdWidth, float*, int, int, float*, int, float*, int, int, float*)"/>.</summary>
    public void Run(float* w, int outputs, int inputs, float* x, int xStride, float* y, int yStride, int rows, float* bias = null)
    {
        var chunks = Math.Max(1, Math.Min(_team.Threads * ChunksPerThread, outputs / OutputAlignment));
        _w = w;
        _x = x;
        _y = y;
        _bias = bias;
        (_outputs, _inputs, _xStride, _yStride, _rows) = (outputs, inputs, xStride, yStride, rows);
        _perChunk = (outputs + chunks - 1) / chunks;
        _perChunk = (_perChunk + OutputAlignment - 1) / OutputAlignment * OutputAlignment;
        _team.Run(this, (outputs + _perChunk - 1) / _perChunk);
    }

    void IChunkedWork.Run(int chunk, int worker)
    {
        var first = chunk * _perChunk;
        var count = Math.Min(_perChunk, _outputs - first);
        CpuKernels.MatVec(_width, _w + ((long)first * _inputs), count, _inputs, _x, _xStride, _y + first, _yStride, _rows,
            _bias is null ? null : _bias + first);
    }
}
