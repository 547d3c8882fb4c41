using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Ordo.Server.Console.Resources;

namespace Ordo.Server.Console.Pages;

/// <summary>The console's page for 401, 403, 404 and other errors (re-executed by the status-code pages; never for /api).</summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel(IStringLocalizer<Common> text) : PageModel
{
    public int Code { get; private set; }
    public string Title { get; private set; } = "";
    public string Text { get; private set; } = "";

    public void OnGet(int code) => Describe(code);

    // A re-executed POST (a form to a page that is gone) keeps its method.
    public void OnPost(int code) => Describe(code);

    private void Describe(int code)
    {
        Code = code;
        (Title, Text) = code switch
        {
            404 => (text["Error_404_Title"].Value, text["Error_404_Text"].Value),
            403 => (text["Error_403_Title"].Value, text["Error_403_Text"].Value),
            401 => (text["Error_401_Title"].Value, text["Error_401_Text"].Value),
            _ => (text["Error_Title"].Value, text["Error_Other_Text", code].Value),
        };
        // Opened directly (not re-executed), answer with the status it describes.
        if (code is >= 400 and < 600 && Response.StatusCode == StatusCodes.Status200OK) Response.StatusCode = code;
    }
}
