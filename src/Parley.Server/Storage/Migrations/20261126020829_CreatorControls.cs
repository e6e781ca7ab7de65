using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Server.Storage.Migrations
{
    /// <inheritdoc />
    public partial class CreatorControls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CreatorId",
                table: "Rooms",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "CreatorTokenHash",
                table: "Rooms",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "KickedAt",
                table: "Members",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EndedRooms",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EndedRooms", x => x.Id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EndedRooms");

            migrationBuilder.DropColumn(
                name: "CreatorId",
                table: "Rooms");

            migrationBuilder.DropColumn(
                name: "CreatorTokenHash",
                table: "Rooms");

            migrationBuilder.DropColumn(
                name: "KickedAt",
                table: "Members");
        }
    }
}
