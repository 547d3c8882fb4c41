using Ordo.Core.Common;

namespace Ordo.Server;

/// <summary>
/// RFC 9457 problem responses (<c>application/problem+json</c>). Every error names what was wrong: <c>field</c> for a
/// single field, <c>errors</c> (field, reason, fragment) when a payload had several problems.
/// </summary>
public static class Problems
{
    public static IResult Result(int status, string title, string detail, string? field = null, IReadOnlyList<FieldError>? errors = null,
        IDictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?>();
        if (field is not null) extensions["field"] = field;
        if (errors is not null) extensions["errors"] = errors;
        if (extra is not null) foreach (var (k, v) in extra) extensions[k] = v;
        return Results.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
    }

    public static IResult BadRequest(string field, string detail) => Result(400, "Bad request", detail, field);

    public static IResult NotFound(string detail) => Result(404, "Not found", detail);

    /// <summary>Writes a problem response outside an endpoint (e.g. from the authentication handler).</summary>
    public static Task Write(HttpContext context, int status, string title, string detail, string? field = null) =>
        Result(status, title, detail, field).ExecuteAsync(context);
}
