package dev.cardos.shared;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.namedparam.ParsedSql;
import org.springframework.stereotype.Component;

/**
 * Runs queries that different modules define in one round trip to PostgreSQL: they go out as one
 * multi-statement prepared statement, which the JDBC driver sends each with its own parameters and
 * a single Sync, and their rows come back in order (outside a transaction, in one implicit
 * transaction; inside one, in it). Each module keeps its SQL and the mapping of its rows; the
 * caller only says which queries to run together. On a path that reads several modules' rows per
 * request (an authorization), each round trip saved is a wake-up of the database backend and of the
 * waiting thread, two socket calls, and a connection borrowed from the pool.
 */
@Component
public class RoundTrip {

  /** Named parameters parsed once per query text: it is constant text in the modules. */
  private static final Map<String, ParsedSql> PARSED = new ConcurrentHashMap<>();

  private final JdbcTemplate jdbc;

  RoundTrip(DataSource dataSource) {
    // Built the way the modules' JdbcClient is (database.DatabaseConfiguration): same settings.
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /**
   * One module's query and what its rows become. Its {@link #result()} is set once it ran; it runs
   * once, on the thread that built it.
   */
  public static final class Statement<T> {
    private final String sql;
    private final Object[] args;
    private final ResultSetExtractor<T> rows;
    private T result;
    private boolean done;

    private Statement(String sql, Object[] args, ResultSetExtractor<T> rows) {
      if (sql.indexOf(';') >= 0) {
        throw new IllegalArgumentException("A statement is one statement, without ';'");
      }
      this.sql = sql;
      this.args = args;
      this.rows = rows;
    }

    /**
     * A query with named parameters ({@code :name}; a collection of plain values expands to a list,
     * as with {@code JdbcClient}; an array binds whole, as a PostgreSQL array) and what its rows
     * become. A parameter may be null when the map allows it (a {@code HashMap}, not {@code
     * Map.of}).
     */
    public static <T> Statement<T> query(
        String sql, Map<String, ?> params, ResultSetExtractor<T> rows) {
      ParsedSql parsed = parsed(sql);
      MapSqlParameterSource source = new MapSqlParameterSource(params);
      return new Statement<>(
          NamedParameterUtils.substituteNamedParameters(parsed, source),
          expanded(NamedParameterUtils.buildValueArray(parsed, source, null)),
          rows);
    }

    /** What the query returned; only once it ran. */
    public T result() {
      if (!done) {
        throw new IllegalStateException("This statement has not run");
      }
      return result;
    }

    private void take(PreparedStatement statement, boolean isResultSet) throws SQLException {
      if (!isResultSet) {
        throw new SQLException("A query returned no rows to map: " + sql);
      }
      try (ResultSet set = statement.getResultSet()) {
        result = rows.extractData(set);
      }
      done = true;
    }

    private static ParsedSql parsed(String sql) {
      if (PARSED.size() > 1_000) {
        PARSED.clear();
      }
      return PARSED.computeIfAbsent(sql, NamedParameterUtils::parseSqlStatement);
    }

    private static Object[] expanded(Object[] values) {
      List<Object> args = new ArrayList<>(values.length);
      for (Object value : values) {
        if (value instanceof SqlParameterValue) {
          throw new IllegalArgumentException("Typed parameters are not supported: bind the value");
        }
        if (value instanceof Iterable<?> list) {
          for (Object element : list) {
            if (element instanceof Object[]) {
              // Spring writes a list of arrays as (?, ?), (?, ?): not bound here; refuse it.
              throw new IllegalArgumentException("A list of tuples is not supported");
            }
            args.add(element);
          }
        } else {
          args.add(value);
        }
      }
      return args.toArray();
    }
  }

  /** Runs one query on its own and returns its result. */
  public <T> T one(Statement<T> statement) {
    run(List.of(statement));
    return statement.result();
  }

  /** Runs the queries in one round trip, in order; each one's {@link Statement#result()} is set. */
  public void run(List<? extends Statement<?>> statements) {
    StringBuilder sql = new StringBuilder();
    List<Object> args = new ArrayList<>();
    for (Statement<?> statement : statements) {
      if (!sql.isEmpty()) {
        sql.append(";\n");
      }
      sql.append(statement.sql);
      args.addAll(Arrays.asList(statement.args));
    }
    jdbc.execute(
        sql.toString(),
        (PreparedStatement prepared) -> {
          new ArgumentPreparedStatementSetter(args.toArray()).setValues(prepared);
          boolean isResultSet = prepared.execute();
          for (Statement<?> statement : statements) {
            statement.take(prepared, isResultSet);
            isResultSet = prepared.getMoreResults();
          }
          return null;
        });
  }
}
