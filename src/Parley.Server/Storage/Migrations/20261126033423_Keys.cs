using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Server.Storage.Migrations
{
    /// <inheritdoc />
    public partial class Keys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "HistoryVisible",
                table: "Rooms",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<byte[]>(
                name: "LinkCiphertext",
                table: "Rooms",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LinkEpoch",
                table: "Rooms",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "LinkIv",
                table: "Rooms",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "MetaCiphertext",
                table: "Rooms",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MetaEpoch",
                table: "Rooms",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "MetaIv",
                table: "Rooms",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RotationDue",
                table: "Rooms",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "DepartedAt",
                table: "Members",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "LinkProof",
                table: "Members",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "SignKey",
                table: "Members",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "WrapKey",
                table: "Members",
                type: "BLOB",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Grants",
                columns: table => new
                {
                    RoomId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Epoch = table.Column<int>(type: "INTEGER", nullable: false),
                    MemberId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    GranterId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    WrappedKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Signature = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Grants", x => new { x.RoomId, x.Epoch, x.MemberId });
                    table.ForeignKey(
                        name: "FK_Grants_Rooms_RoomId",
                        column: x => x.RoomId,
                        principalTable: "Rooms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Grants");

            migrationBuilder.DropColumn(
                name: "HistoryVisible",
                table: "Rooms");

            migrationBuilder.DropColumn(
                name: "LinkCiphertext",
                table: "Rooms");

            migrationBuilder.DropColumn(
                name: "LinkEpoch",
                table: "Rooms");

            migrationBuilder.DropColumn(
                name: "LinkIv",
                table: "Rooms");

            migrationBuilder.DropColumn(
                name: "MetaCiphertext",
                table: "Rooms");

            migrationBuilder.DropColumn(
                name: "MetaEpoch",
                table: "Rooms");

            migrationBuilder.DropColumn(
                name: "MetaIv",
                table: "Rooms");

            migrationBuilder.DropColumn(
                name: "RotationDue",
                table: "Rooms");

            migrationBuilder.DropColumn(
                name: "DepartedAt",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "LinkProof",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "SignKey",
                table: "Members");

            migrationBuilder.DropColumn(
                name: "WrapKey",
                table: "Members");
        }
    }
}
