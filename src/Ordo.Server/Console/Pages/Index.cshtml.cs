using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Ordo.Server.Security;

namespace Ordo.Server.Console.Pages;

[Authorize(Policy = Permissions.OrdersRead)]
public sealed class IndexModel : PageModel
{
    public void OnGet() { }
}
