//! The replicator's task handle, for a graceful shutdown.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::Replicator;

/// The running replicator task, so that shutdown can wait for its final sync (a task still
/// running when the runtime stops is cancelled mid-upload).
#[derive(Clone, Default)]
pub struct TaskSlot(Arc<Mutex<Option<tokio::task::JoinHandle<()>>>>);

impl TaskSlot {
    /// Spawns the replicator; it stops when `shutdown` resolves.
    pub fn spawn(
        &self,
        replicator: Replicator,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) {
        let handle = tokio::spawn(replicator.run(shutdown));
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(handle);
    }

    /// Waits (at most `timeout`) for the task to finish its final sync.
    pub async fn finish(&self, timeout: Duration) {
        let handle = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(h) = handle
            && tokio::time::timeout(timeout, h).await.is_err()
        {
            tracing::warn!("replication did not finish its final sync in time");
        }
    }
}
