using Hyperfit.Runtime;

// Usage: Hyperfit.TorchSharpPatch auto|always|never SOURCE DESTINATION
//   auto:   weaken the GLIBCXX_3.4.32 requirement only if this (building) host's libstdc++ lacks it, else copy as is
//   always: weaken it regardless (output meant for other hosts); never: copy as is.
// Errors are one line in MSBuild's canonical format so the build shows them as errors naming the file.
if (args.Length != 3 || args[0] is not ("auto" or "always" or "never"))
{
    Console.Error.WriteLine("Hyperfit.TorchSharpPatch: error HFBUILD001: usage: Hyperfit.TorchSharpPatch auto|always|never SOURCE DESTINATION");
    return 2;
}

var (mode, source, destination) = (args[0], args[1], args[2]);
var weaken = mode == "always" || (mode == "auto" && !HostLibStdCxx.HasRequiredVersion());
try
{
    var outcome = TorchSharpNativeAdapter.WriteAdaptedCopy(source, destination, weaken);
    var what = outcome switch
    {
        ElfPatchOutcome.Patched => $"{HostLibStdCxx.RequiredVersion} requirement marked weak",
        ElfPatchOutcome.AlreadyWeak => $"{HostLibStdCxx.RequiredVersion} requirement already weak",
        ElfPatchOutcome.NotRequired => $"does not require {HostLibStdCxx.RequiredVersion}; copied as is",
        _ => mode == "never" ? "copied as is (HyperfitLibStdCxxPatch=never)" : $"copied as is (this host's libstdc++ has {HostLibStdCxx.RequiredVersion})",
    };
    Console.WriteLine($"Hyperfit: {Path.GetFileName(destination)} -> {destination}: {what}");
    return 0;
}
catch (IOException e)
{
    Console.Error.WriteLine($"{source}: error HFBUILD002: {e.Message}");
    return 1;
}
