//! Multi-row inserts. SQLite pays its per-statement cost (step, reset, opcode setup) once per
//! executed statement; binding fifty rows into one `INSERT ... VALUES (...), (...), ...` pays it
//! once per fifty. Values are bound straight from the caller's rows, never copied.

use crate::StoreError;
use rusqlite::{Statement, Transaction};

/// Binds the listed values to consecutive parameters starting at `$p` (a [`Binder`]'s body).
macro_rules! bind_all {
    ($st:expr, $p:expr; $($v:expr),+ $(,)?) => {{
        let mut k = $p;
        $( $st.raw_bind_parameter(k, $v)?; k += 1; )+
        let _ = k;
        Ok(())
    }};
}
pub(crate) use bind_all;

/// Rows per statement: 50 rows of the widest table (17 columns) stay far below SQLite's limit on
/// bound parameters.
const BATCH: usize = 50;

/// Binds one row's values: `bind(stmt, first, i, row)` binds parameters `first..first + cols` for
/// `rows[i]`.
pub(crate) type Binder<'f, T> =
    dyn FnMut(&mut Statement<'_>, usize, usize, &T) -> rusqlite::Result<()> + 'f;

/// Inserts `rows` into `table (columns)`.
pub(crate) fn insert<T>(
    tx: &Transaction,
    table: &str,
    columns: &[&str],
    rows: &[T],
    bind: &mut Binder<'_, T>,
) -> Result<(), StoreError> {
    let tuple = format!("({})", vec!["?"; columns.len()].join(", "));
    let sql = |n: usize| {
        format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            vec![tuple.as_str(); n].join(", ")
        )
    };
    let full = sql(BATCH);
    for (c, chunk) in rows.chunks(BATCH).enumerate() {
        let mut st = if chunk.len() == BATCH {
            tx.prepare_cached(&full)?
        } else {
            tx.prepare_cached(&sql(chunk.len()))?
        };
        for (k, row) in chunk.iter().enumerate() {
            bind(&mut st, k * columns.len() + 1, c * BATCH + k, row)?;
        }
        st.raw_execute()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    #[test]
    fn every_row_lands_once_in_order_whatever_the_count() {
        for n in [0, 1, BATCH - 1, BATCH, BATCH + 1, 3 * BATCH + 7] {
            let mut conn = Connection::open_in_memory().unwrap();
            conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)")
                .unwrap();
            let rows: Vec<(i64, String)> =
                (0..n as i64).map(|i| (i * 3, format!("r{i}"))).collect();
            let tx = conn.transaction().unwrap();
            insert(&tx, "t", &["a", "b"], &rows, &mut |st, p, i, r| {
                assert_eq!(rows[i].0, r.0);
                st.raw_bind_parameter(p, r.0)?;
                st.raw_bind_parameter(p + 1, r.1.as_str())
            })
            .unwrap();
            tx.commit().unwrap();
            let got: Vec<(i64, String)> = conn
                .prepare("SELECT a, b FROM t ORDER BY id")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(got, rows, "{n} rows");
        }
    }
}
