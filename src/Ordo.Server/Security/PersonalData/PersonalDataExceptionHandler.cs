using Microsoft.AspNetCore.Diagnostics;
using Ordo.Data.Privacy;

namespace Ordo.Server.Security.PersonalData;

/// <summary>
/// A stored value that cannot be decrypted (altered, or made with a key this instance does not hold) answers 500 with
/// the reason, instead of a bare error or, worse, garbage shown as a receiver: the operator sees which key is missing.
/// </summary>
public sealed partial class PersonalDataExceptionHandler(ILogger<PersonalDataExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not PersonalDataException pd) return false;
        LogUndecryptable(pd, http.Request.Path);
        await Problems.Write(http, 500, "Personal data cannot be decrypted", pd.Message);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Personal data could not be decrypted answering {Path}")]
    private partial void LogUndecryptable(Exception ex, string path);
}
