namespace Ordo.Server.Console.Resources;

/// <summary>Sign-in, the account page, users and API keys (Account.resx, Account.en.resx).</summary>
public sealed class Account;
