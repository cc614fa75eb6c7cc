using System.Globalization;
using System.Text;
using System.Text.Json;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Microsoft.Data.Sqlite;

namespace Bridgekeeper.Hypervisor.RasLog;

/// <summary>
/// The durable RAS log in SQLite (write-ahead log, synchronous FULL: a row is on disk when the call
/// returns, so it is stored before the hypervisor acts on it). Two tables: <c>errors</c> (raw
/// register or CPER bytes plus decoded JSON) and <c>steps</c> (the timeline). Schema: docs/ras-log.md.
/// </summary>
public sealed class SqliteRasLog : IRasLog, IDisposable
{
    public const int SchemaVersion = 1;

    private readonly SqliteConnection _db;
    private readonly SqliteCommand _insertError;
    private readonly SqliteCommand _insertStep;

    public SqliteRasLog(string path, bool fullSync = true)
    {
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        Exec("PRAGMA journal_mode=WAL;");
        Exec(fullSync ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
        Exec($"PRAGMA user_version={SchemaVersion};");
        Exec("""
            CREATE TABLE IF NOT EXISTS errors (
              id INTEGER PRIMARY KEY, t_ns INTEGER NOT NULL, path TEXT NOT NULL, sbdf TEXT,
              severity TEXT NOT NULL, raw BLOB NOT NULL, decoded TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS steps (
              id INTEGER PRIMARY KEY, t_ns INTEGER NOT NULL, kind TEXT NOT NULL, sbdf TEXT,
              domain INTEGER, text TEXT NOT NULL, details TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS errors_t ON errors(t_ns);
            CREATE INDEX IF NOT EXISTS steps_t ON steps(t_ns);
            """);
        _insertError = Prepare("INSERT INTO errors(t_ns, path, sbdf, severity, raw, decoded) VALUES ($t, $path, $sbdf, $sev, $raw, $dec) RETURNING id;",
            "$t", "$path", "$sbdf", "$sev", "$raw", "$dec");
        _insertStep = Prepare("INSERT INTO steps(t_ns, kind, sbdf, domain, text, details) VALUES ($t, $kind, $sbdf, $dom, $text, $det);",
            "$t", "$kind", "$sbdf", "$dom", "$text", "$det");
    }

    public long ErrorCount { get; private set; }

    public long StepCount { get; private set; }

    public long AppendError(RasErrorRecord record)
    {
        var p = _insertError.Parameters;
        p["$t"].Value = record.Time.Nanoseconds;
        p["$path"].Value = record.Path;
        p["$sbdf"].Value = record.Device?.ToString() ?? (object)DBNull.Value;
        p["$sev"].Value = SeverityName(record.Severity);
        p["$raw"].Value = record.Raw.ToArray();
        p["$dec"].Value = record.DecodedJson;
        ErrorCount++;
        return (long)_insertError.ExecuteScalar()!;
    }

    public void AppendStep(TimelineEvent step)
    {
        var p = _insertStep.Parameters;
        p["$t"].Value = step.Time.Nanoseconds;
        p["$kind"].Value = step.Kind;
        p["$sbdf"].Value = step.Device?.ToString() ?? (object)DBNull.Value;
        p["$dom"].Value = step.Domain?.Value ?? (object)DBNull.Value;
        p["$text"].Value = step.Text;
        p["$det"].Value = DetailsJson(step.Details);
        StepCount++;
        _insertStep.ExecuteNonQuery();
    }

    public static string SeverityName(ErrorSeverity s) => s switch
    {
        ErrorSeverity.Correctable => "correctable",
        ErrorSeverity.NonFatal => "non-fatal",
        _ => "fatal",
    };

    /// <summary>Details as a JSON object, keys in their fixed order; numbers and booleans keep their type.</summary>
    public static string DetailsJson(IReadOnlyList<KeyValuePair<string, object?>> details)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            foreach (var (k, v) in details)
            {
                switch (v)
                {
                    case null: w.WriteNull(k); break;
                    case bool b: w.WriteBoolean(k, b); break;
                    case int i: w.WriteNumber(k, i); break;
                    case long l: w.WriteNumber(k, l); break;
                    case uint u: w.WriteNumber(k, u); break;
                    case double d: w.WriteNumber(k, d); break;
                    default: w.WriteString(k, Convert.ToString(v, CultureInfo.InvariantCulture)); break;
                }
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    public void Dispose()
    {
        _insertError.Dispose();
        _insertStep.Dispose();
        _db.Dispose();
    }

    private void Exec(string sql)
    {
        using var c = _db.CreateCommand();
        c.CommandText = sql;
        c.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var c = _db.CreateCommand();
        c.CommandText = sql;
        foreach (var n in names) c.Parameters.Add(new SqliteParameter(n, null));
        c.Prepare();
        return c;
    }
}
