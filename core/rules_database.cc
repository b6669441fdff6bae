// Database pack: statements and tools that destroy data (DROP, TRUNCATE, DELETE or
// UPDATE without WHERE, FLUSHALL, dropDatabase, framework resets).
#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"db.drop", "database", Severity::Critical, "Drops a database, schema, table or column: the data is gone.",
     "Take a backup (pg_dump/mysqldump) and run it against a disposable database first.", "destructive"},
    {"db.truncate", "database", Severity::Critical, "Truncates a table, deleting every row.",
     "Back up the table first; delete with a WHERE clause.", "destructive"},
    {"db.delete-all", "database", Severity::Critical, "DELETE or UPDATE without WHERE changes every row of a table.",
     "Add a WHERE clause and run it inside a transaction.", "destructive"},
    {"db.flush", "database", Severity::Critical, "Deletes every key of a Redis database (FLUSHALL/FLUSHDB).",
     "Delete specific keys.", "destructive"},
    {"db.mongo-drop", "database", Severity::Critical, "Drops a MongoDB database or collection, or deletes all documents.",
     "Back up with mongodump and filter the deletion.", "destructive"},
    {"db.drop-tool", "database", Severity::Critical, "Drops a database with an admin tool or replaces it from a dump.",
     "Back up first and double-check the database name.", "destructive"},
    {"db.framework-reset", "database", Severity::Critical,
     "Drops or resets the application's database through the framework.",
     "Only run it against a local development database.", "destructive"},
    {"db.sql-from-stdin", "database", Severity::Medium, "Feeds SQL of unknown content to a database client.", "", ""},
};

constexpr CommandPattern kPatterns[] = {
    {"db.drop-tool", "dropdb|dropuser", ""},
    {"db.drop-tool", "mysqladmin", "drop"},
    {"db.drop-tool", "pg_restore", "", "-c|--clean"},
    {"db.drop-tool", "mongorestore", "", "--drop"},
    {"db.framework-reset", "rails|rake|bin/rails",
     "db:drop*|db:reset|db:purge|db:schema:load|db:migrate:reset|db:truncate_all|db:structure:load"},
    {"db.framework-reset", "mix", "ecto.drop|ecto.reset"},
    {"db.framework-reset", "php", "artisan|./artisan migrate:fresh|migrate:reset|db:wipe|migrate:refresh"},
    {"db.framework-reset", "artisan", "migrate:fresh|migrate:reset|db:wipe|migrate:refresh"},
    {"db.framework-reset", "python*|pypy*", "manage.py|./manage.py flush|reset_db|sqlflush"},
    {"db.framework-reset", "django-admin|manage.py", "flush|reset_db|sqlflush"},
    {"db.framework-reset", "prisma", "migrate reset"},
    {"db.framework-reset", "prisma", "db push", "--force-reset|--accept-data-loss"},
    {"db.framework-reset", "sequelize|sequelize-cli", "db:drop|db:migrate:undo:all"},
    {"db.framework-reset", "typeorm", "schema:drop"},
    {"db.framework-reset", "wp", "db reset|db drop"},
    {"db.framework-reset", "drush", "sql-drop|sql:drop"},
    {"db.framework-reset", "knex", "migrate:rollback", "--all"},
};

std::vector<std::string> sql_tokens(std::string_view sql) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : sql) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      cur += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      if (c == ';') out.emplace_back(";");
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// Judge SQL text; returns the rule id or empty.
std::string_view judge_sql(std::string_view sql) {
  std::vector<std::string> t = sql_tokens(sql);
  std::string_view worst;
  size_t start = 0;
  for (size_t i = 0; i <= t.size(); ++i) {
    if (i < t.size() && t[i] != ";") continue;
    // one statement: t[start, i)
    bool has_where = false, del = false, upd = false, set = false, from = false;
    for (size_t k = start; k < i; ++k) {
      const std::string& w = t[k];
      if (w == "WHERE") has_where = true;
      if (w == "DELETE") del = true;
      if (w == "UPDATE") upd = true;
      if (w == "SET") set = true;
      if (w == "FROM") from = true;
      if (w == "DROP" && k + 1 < i &&
          one_of(t[k + 1], "DATABASE|SCHEMA|TABLE|VIEW|INDEX|COLUMN|USER|ROLE|COLLECTION|KEYSPACE|TABLESPACE|"
                           "CONSTRAINT|PROCEDURE|FUNCTION|TRIGGER|OWNED|MATERIALIZED|PARTITION|IF"))
        return "db.drop";
      if (w == "TRUNCATE") worst = "db.truncate";
    }
    if ((del && from && !has_where) || (upd && set && !has_where)) {
      if (worst.empty()) worst = "db.delete-all";
    }
    start = i + 1;
  }
  return worst;
}

bool mongo_destructive(std::string_view code) {
  std::string c;
  for (char ch : code)
    if (!std::isspace(static_cast<unsigned char>(ch))) c += ch;
  return c.find("dropDatabase(") != std::string::npos || c.find(".drop()") != std::string::npos ||
         c.find("deleteMany({})") != std::string::npos || c.find("remove({})") != std::string::npos ||
         c.find("deleteMany()") != std::string::npos || c.find("dropAllUsers") != std::string::npos;
}

// Option values like `-e SQL`, `--execute SQL`, `--execute=SQL`.
std::vector<std::string> option_texts(const Cmd& cmd, std::initializer_list<std::string_view> names) {
  std::vector<std::string> out;
  for (size_t i = 0; i < cmd.args.size(); ++i) {
    const std::string& t = cmd.args[i].text;
    for (std::string_view n : names) {
      if (t == n && i + 1 < cmd.args.size()) out.push_back(cmd.args[i + 1].text);
      else if (n.size() > 2 && t.size() > n.size() && t.compare(0, n.size(), n) == 0 && t[n.size()] == '=')
        out.push_back(t.substr(n.size() + 1));
      else if (n.size() == 2 && t.size() > 2 && t.compare(0, 2, n) == 0 && n != "-h")
        out.push_back(t.substr(2));  // -e"SQL"
    }
  }
  return out;
}

}  // namespace

std::span<const Rule> database_rules() { return kRules; }

void database_check(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  apply_patterns(kPatterns, cmd, rc);
  std::vector<std::string> sql;
  bool mongo = false;
  if (one_of(p, "mysql|mariadb|mycli")) sql = option_texts(cmd, {"-e", "--execute"});
  else if (one_of(p, "psql|pgcli|cockroach|yugabyte|ysqlsh")) sql = option_texts(cmd, {"-c", "--command", "-e", "--execute"});
  else if (one_of(p, "clickhouse-client|clickhouse|snowsql|sqlcmd|bq|vsql|trino|presto"))
    sql = option_texts(cmd, {"-q", "--query", "-Q", "-c", "-e", "--execute"});
  else if (one_of(p, "duckdb|cqlsh")) sql = option_texts(cmd, {"-c", "-e", "--execute"});
  else if (one_of(p, "sqlite3|sqlite|litecli")) {
    auto ops = cmd.operands();
    for (size_t i = 1; i < ops.size(); ++i) sql.push_back(ops[i]->text);
    for (const std::string& c : option_texts(cmd, {"-cmd"})) sql.push_back(c);
  } else if (one_of(p, "mongo|mongosh|mongos")) {
    mongo = true;
    sql = option_texts(cmd, {"--eval"});
  } else if (one_of(p, "redis-cli|valkey-cli|keydb-cli")) {
    for (const Arg& a : cmd.args) {
      std::string t = lower(a.text);
      if (t == "flushall" || t == "flushdb") rc.hit("db.flush", cmd);
    }
    if (!cmd.stdin_text.empty()) {
      std::string t = lower(cmd.stdin_text);
      if (t.find("flushall") != std::string::npos || t.find("flushdb") != std::string::npos) rc.hit("db.flush", cmd);
    }
    return;
  } else {
    return;
  }
  if (!cmd.stdin_text.empty() && (cmd.stdin_source == Source::Literal || cmd.stdin_source == Source::Decoded))
    sql.push_back(cmd.stdin_text);
  for (const std::string& s : sql) {
    if (mongo) {
      if (mongo_destructive(s)) rc.hit("db.mongo-drop", cmd);
      continue;
    }
    std::string_view r = judge_sql(s);
    if (!r.empty()) rc.hit(r, cmd);
  }
}

}  // namespace vg
