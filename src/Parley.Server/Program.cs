using Parley.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddParley();

var app = builder.Build();
await app.UseParleyAsync();
app.Run();
