namespace Hyperfit.Tests;

/// <summary>A fact about ELF/glibc behaviour: skipped, with the reason shown, on other operating systems.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Linux only (ELF / glibc)";
        }
    }
}
