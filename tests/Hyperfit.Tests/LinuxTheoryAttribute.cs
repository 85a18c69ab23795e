namespace Hyperfit.Tests;

/// <summary>A theory about Linux process behaviour (libgomp, glibc): skipped, with the reason shown, elsewhere.</summary>
public sealed class LinuxTheoryAttribute : TheoryAttribute
{
    public LinuxTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Linux only";
        }
    }
}
