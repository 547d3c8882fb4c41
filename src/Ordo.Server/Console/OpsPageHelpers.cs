using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ordo.Server.Console;

/// <summary>
/// The operations pages call the same code as the API (shops, webhooks, inbox replay, exports): these turn its
/// answer into what a page shows or sends.
/// </summary>
public static class OpsPageHelpers
{
    /// <summary>What an API answer means for a page: ok, or the problem's detail, field and per-field errors.</summary>
    public sealed record Outcome(bool Ok, int Status, string? Title, string? Detail, string? Field, IReadOnlyList<(string Field, string Reason)> Errors, object? Value);

    public static Outcome OutcomeOf(IResult result)
    {
        if (result is ProblemHttpResult problem)
        {
            var p = problem.ProblemDetails;
            var errors = new List<(string, string)>();
            if (p.Extensions.TryGetValue("errors", out var e) && e is IEnumerable<Ordo.Core.Common.FieldError> list)
                errors.AddRange(list.Select(x => (x.Field, x.Reason)));
            var field = p.Extensions.TryGetValue("field", out var f) ? f as string : null;
            return new Outcome(false, p.Status ?? 400, p.Title, p.Detail, field, errors, null);
        }
        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? 200;
        var value = (result as IValueHttpResult)?.Value;
        return new Outcome(status < 400, status, null, null, null, [], value);
    }

    /// <summary>A JSON object of the non-empty fields given (the body the API code reads).</summary>
    public static JsonElement Body(IEnumerable<KeyValuePair<string, object?>> fields) =>
        JsonSerializer.SerializeToElement(fields.Where(f => f.Value is not null && f.Value is not "").ToDictionary(f => f.Key, f => f.Value));

    /// <summary>Lets a page handler answer what the API code answered (a file, a problem).</summary>
    public sealed class ResultAction(IResult result) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => result.ExecuteAsync(context.HttpContext);
    }
}
