using Microsoft.Playwright;

namespace Parley.E2E;

/// <summary>
/// Reads a page's IndexedDB as any script of the page could. It never creates a database the app
/// has not made yet: that would make it at version 1, and the app's own upgrade would then not run.
/// </summary>
static class BrowserStorage
{
    /// <summary>JavaScript: <c>openExisting(name)</c> resolves to the open database, or null when the page has none by that name.</summary>
    public const string OpenExisting = """
        const openExisting = async (name) => {
          if (!(await indexedDB.databases()).some((d) => d.name === name)) return null;
          return await new Promise((resolve, reject) => {
            const open = indexedDB.open(name);
            open.onsuccess = () => resolve(open.result);
            open.onerror = () => reject(open.error);
          });
        };
        """;

    /// <returns>How many records the store holds: 0 while the database or the store does not exist.</returns>
    public static Task<int> CountAsync(IPage page, string database, string store) =>
        page.EvaluateAsync<int>($$"""
            async ([name, store]) => {
              {{OpenExisting}}
              const db = await openExisting(name);
              if (!db) return 0;
              try {
                if (!db.objectStoreNames.contains(store)) return 0;
                return await new Promise((resolve, reject) => {
                  const count = db.transaction(store).objectStore(store).count();
                  count.onsuccess = () => resolve(count.result);
                  count.onerror = () => reject(count.error);
                });
              } finally {
                db.close();
              }
            }
            """, new[] { database, store });
}
