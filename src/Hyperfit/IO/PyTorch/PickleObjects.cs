namespace Hyperfit.IO.PyTorch;

// The values PickleReader builds: plain data, never live Python objects.

/// <summary>A reference to a Python global (<c>module.name</c>) as a pickle names it; never imported or called.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A call the pickle asks for (<c>REDUCE</c>/<c>NEWOBJ</c>) that this reader does not evaluate.</summary>
internal sealed record PickleCall(PickleGlobal Callable, object?[] Arguments);

/// <summary>A Python dict (or <c>collections.OrderedDict</c>), in insertion order.</summary>
internal sealed class PickleDict
{
    public List<KeyValuePair<object?, object?>> Items { get; } = [];
}

/// <summary>A torch storage named by a persistent id: <c>('storage', torch.FloatStorage, key, location, numel)</c>.</summary>
internal sealed record PickleStorage(PickleGlobal StorageType, string Key, long Elements);

/// <summary><c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …)</c>.</summary>
internal sealed record PickleTensor(PickleStorage Storage, long Offset, long[] Shape, long[] Strides);
