using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Server.Storage.Migrations
{
    /// <inheritdoc />
    public partial class Lobby : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "LobbyEnabled",
                table: "Rooms",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "Admission",
                table: "Members",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<byte[]>(
                name: "ProfileCiphertext",
                table: "Members",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ProfileEpoch",
                table: "Members",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "ProfileIv",
                table: "Members",
                type: "BLOB",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LobbyEnabled",
                table: "Rooms");

            migrationBuilder.DropColumn(
                name: "Admission",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "ProfileCiphertext",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "ProfileEpoch",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "ProfileIv",
                table: "Members");
        }
    }
}
