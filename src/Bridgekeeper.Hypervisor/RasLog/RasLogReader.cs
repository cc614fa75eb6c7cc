using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Microsoft.Data.Sqlite;

namespace Bridgekeeper.Hypervisor.RasLog;

/// <summary>One stored error record as read back.</summary>
public sealed record StoredError(long Id, SimTime Time, string Path, string? Device, string Severity, byte[] Raw, string DecodedJson);

/// <summary>One stored recovery step as read back.</summary>
public sealed record StoredStep(long Id, SimTime Time, string Kind, string? Device, int? Domain, string Text, string DetailsJson);

/// <summary>
/// Reads a RAS log database (read-only), optionally from a virtual time on and for one device.
/// A file that is not such a database is bad input: <see cref="RasLogFormatException"/>.
/// </summary>
public static class RasLogReader
{
    public static (List<StoredError> Errors, List<StoredStep> Steps) Read(string path, SimTime? since = null, Sbdf? device = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"RAS log '{path}' does not exist", path);
        try
        {
            using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            db.Open();
            var errors = new List<StoredError>();
            using (var c = Query(db, "SELECT id, t_ns, path, sbdf, severity, raw, decoded FROM errors", since, device))
            using (var r = c.ExecuteReader())
                while (r.Read())
                    errors.Add(new StoredError(r.GetInt64(0), new SimTime(r.GetInt64(1)), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                        r.GetString(4), (byte[])r.GetValue(5), r.GetString(6)));
            var steps = new List<StoredStep>();
            using (var c = Query(db, "SELECT id, t_ns, kind, sbdf, domain, text, details FROM steps", since, device))
            using (var r = c.ExecuteReader())
                while (r.Read())
                    steps.Add(new StoredStep(r.GetInt64(0), new SimTime(r.GetInt64(1)), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                        r.IsDBNull(4) ? null : r.GetInt32(4), r.GetString(5), r.GetString(6)));
            return (errors, steps);
        }
        catch (SqliteException ex)
        {
            throw new RasLogFormatException(path, ex.Message);
        }
    }

    private static SqliteCommand Query(SqliteConnection db, string select, SimTime? since, Sbdf? device)
    {
        var c = db.CreateCommand();
        var where = new List<string>();
        if (since is SimTime t) { where.Add("t_ns >= $since"); c.Parameters.AddWithValue("$since", t.Nanoseconds); }
        if (device is Sbdf d) { where.Add("sbdf = $sbdf"); c.Parameters.AddWithValue("$sbdf", d.ToString()); }
        c.CommandText = select + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY t_ns, id;";
        return c;
    }
}
