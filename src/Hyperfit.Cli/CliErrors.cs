using Hyperfit.Checkpoints;
using Hyperfit.IO.Safetensors;
using Hyperfit.Models;
using Hyperfit.Tokenization;

namespace Hyperfit.Cli;

/// <summary>Turns the library's expected failures into one line on stderr and a non-zero exit code; a native
/// or unexpected failure also gets one line (plus the stack trace only with HYPERFIT_DEBUG=1).</summary>
public static class CliErrors
{
    public static int Run(Func<int> action)
    {
        try
        {
            Runtime.HyperfitRuntime.Initialize();
            return action();
        }
        catch (Exception e) when (e is CheckpointLoadException or ModelConfigException or SafetensorsFormatException
                                       or TokenizerLoadException or ArgumentException or IOException or UnauthorizedAccessException
                                       or InvalidDataException or FormatException or Training.TrainingException)
        {
            return Fail(e is FieldException or Training.TrainingException ? CliFlags.Describe(e) : WithoutParameterName(e));
        }
        catch (OperationCanceledException)
        {
            return Fail("cancelled");
        }
        catch (Exception e)
        {
            if (Environment.GetEnvironmentVariable("HYPERFIT_DEBUG") == "1")
            {
                Console.Error.WriteLine(e);
            }

            return Fail($"unexpected {e.GetType().Name}: {FirstLine(e.Message)} (set HYPERFIT_DEBUG=1 for details)");
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {FirstLine(message)}");
        return 1;
    }

    /// <summary>An <see cref="ArgumentException"/>'s message without the " (Parameter 'x')" .NET appends: the library's
    /// messages already name the field.</summary>
    private static string WithoutParameterName(Exception e)
    {
        var message = FirstLine(e.Message);
        if (e is ArgumentException { ParamName: { } name })
        {
            var suffix = $" (Parameter '{name}')";
            message = message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
        }

        return message;
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
