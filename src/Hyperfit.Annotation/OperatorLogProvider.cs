using Microsoft.Extensions.Logging;

namespace Hyperfit.Annotation;

/// <summary>
/// Passes ASP.NET Core's warnings and errors to the operator's log, one line each. Request logging (which would
/// print <c>/login?token=…</c>) is never passed: only Warning and above, and nothing from the hosting and routing
/// categories that describe requests.
/// </summary>
internal sealed class OperatorLogProvider : ILoggerProvider
{
    private static readonly string[] Silent = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Http"];

    private readonly Action<string> _log;

    public OperatorLogProvider(Action<string> log) => _log = log;

    public ILogger CreateLogger(string categoryName) =>
        Silent.Any(s => categoryName.StartsWith(s, StringComparison.Ordinal)) ? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance : new Line(categoryName, _log);

    public void Dispose()
    {
    }

    private sealed class Line(string category, Action<string> log) : ILogger
    {
        // Data protection warns at every start that keys are stored unencrypted: they are, on purpose, inside the study
        // folder, which is as private as the votes next to them.
        private readonly LogLevel _minimum = category.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal) ? LogLevel.Error : LogLevel.Warning;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= _minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            var newline = message.IndexOfAny(['\r', '\n']);
            log($"{(logLevel >= LogLevel.Error ? "error" : "warning")}: {(newline < 0 ? message : message[..newline])}");
        }
    }
}
