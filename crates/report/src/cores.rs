//! Work on every core over one store (issue 13: the board's derivation). A `Store` is one SQLite
//! connection, used by one thread at a time, so each extra worker opens its own connection to
//! the same file; the calling thread works on its own connection meanwhile. The items are split
//! into contiguous chunks and the results returned in item order, so the answer is the serial
//! loop's whatever the number of cores.
//!
//! Work stays on the caller's connection alone when it must see what only that connection sees
//! (an open transaction's writes), when the store is not a file another connection can open, or
//! when there is too little work to pay for a connection; and when a worker's connection cannot
//! be opened, that chunk is done on the caller's.

use crate::ReportError;
use greenlight_store::Store;

/// Fewer items than this are not worth another connection (opening one costs about a
/// millisecond; an item a fraction of one).
const MIN_PER_WORKER: usize = 256;

/// `f(store, item)` for every item, in order, on every core.
pub(crate) fn map<T, R, F>(store: &Store, items: Vec<T>, f: F) -> Result<Vec<R>, ReportError>
where
    T: Send,
    R: Send,
    F: Fn(&Store, T) -> Result<R, ReportError> + Sync,
{
    let cores = std::thread::available_parallelism()
        .map(|c| c.get())
        .unwrap_or(1);
    let workers = cores.min(items.len() / MIN_PER_WORKER).max(1);
    if workers <= 1 || store.in_transaction() || !store.path().is_file() {
        return items.into_iter().map(|t| f(store, t)).collect();
    }
    let per = items.len().div_ceil(workers);
    let mut chunks: Vec<Vec<T>> = Vec::with_capacity(workers);
    let mut rest = items.into_iter();
    for _ in 0..workers {
        chunks.push(rest.by_ref().take(per).collect());
    }
    let mut chunks = chunks.into_iter();
    let mine = chunks.next().unwrap_or_default();
    let path = store.path().to_path_buf();
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .map(|chunk| {
                let path = path.clone();
                scope.spawn(move || match Store::open(&path) {
                    Ok(own) => Ok(chunk
                        .into_iter()
                        .map(|t| f(&own, t))
                        .collect::<Result<Vec<R>, ReportError>>()),
                    // No connection of its own: the caller does this chunk after its own.
                    Err(_) => Err(chunk),
                })
            })
            .collect();
        let mut out: Vec<R> = mine
            .into_iter()
            .map(|t| f(store, t))
            .collect::<Result<_, _>>()?;
        for h in handles {
            match h.join() {
                Ok(Ok(done)) => out.extend(done?),
                Ok(Err(chunk)) => {
                    for t in chunk {
                        out.push(f(store, t)?);
                    }
                }
                Err(_) => return Err(ReportError::Worker("its thread panicked".into())),
            }
        }
        Ok(out)
    })
}
