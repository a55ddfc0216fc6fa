//! Lookups by a list of ids or codes. Every such lookup goes through
//! [`chunked`]: repeats are removed, and the list is cut into pieces that
//! stay well within the databases' limits on bound parameters (SQLite
//! 32,766, PostgreSQL 65,535) however long it is.

use std::future::Future;

/// Parameters per statement: leaves room for a query's other parameters.
pub const CHUNK: usize = 10_000;

/// The distinct keys, sorted.
pub fn distinct<K: Ord>(keys: impl IntoIterator<Item = K>) -> Vec<K> {
    let mut keys: Vec<K> = keys.into_iter().collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Runs `query` for the distinct `keys`, a chunk at a time, and joins the
/// rows. No query runs for an empty list.
pub async fn chunked<K, T, E, F, Fut>(keys: impl IntoIterator<Item = K>, mut query: F) -> Result<Vec<T>, E>
where
    K: Ord + Clone,
    F: FnMut(Vec<K>) -> Fut,
    Fut: Future<Output = Result<Vec<T>, E>>,
{
    let keys = distinct(keys);
    let mut rows = Vec::new();
    for chunk in keys.chunks(CHUNK) {
        rows.extend(query(chunk.to_vec()).await?);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn chunks_are_distinct_and_bounded() {
        let keys: Vec<i32> = (0..25_000).chain(0..25_000).collect();
        let mut sizes = vec![];
        let rows: Vec<i32> = super::chunked(keys, |chunk| {
            sizes.push(chunk.len());
            async move { Ok::<_, ()>(chunk) }
        })
        .await
        .unwrap();
        assert_eq!(rows.len(), 25_000);
        assert_eq!(sizes, vec![10_000, 10_000, 5_000]);
        let none: Vec<i32> = super::chunked(Vec::<i32>::new(), |_| async { Err::<Vec<i32>, _>(()) }).await.unwrap();
        assert!(none.is_empty());
    }
}
