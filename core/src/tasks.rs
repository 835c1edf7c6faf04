//! The one shape of a background task while `serve` runs: do a pass, wait,
//! again, until the stop signal is raised. A pass is never cut short by the
//! signal (a delivery finishes and is settled); the wait is.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;

/// Runs `pass`, then waits `period`, until `stop` is raised.
pub async fn every<F, Fut>(period: Duration, stop: watch::Receiver<bool>, mut pass: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    repeat(stop, || {
        let pass = pass();
        async move {
            pass.await;
            period
        }
    })
    .await
}

/// Runs `pass`, then waits as long as it asks (the time until its next due
/// item, a backoff), until `stop` is raised.
pub async fn repeat<F, Fut>(mut stop: watch::Receiver<bool>, mut pass: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Duration>,
{
    while !*stop.borrow() {
        let wait = pass().await;
        if !wait_or_stop(&mut stop, wait).await {
            return;
        }
    }
}

/// Waits `wait`, or less if `stop` is raised (or its sender is gone); false
/// means stop.
pub async fn wait_or_stop(stop: &mut watch::Receiver<bool>, wait: Duration) -> bool {
    if *stop.borrow() {
        return false;
    }
    tokio::select! {
        _ = tokio::time::sleep(wait) => !*stop.borrow(),
        _ = stop.changed() => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test(start_paused = true)]
    async fn passes_repeat_until_stop_and_a_stop_cuts_the_wait_short() {
        let (stop, stopped) = watch::channel(false);
        let passes = Arc::new(AtomicU32::new(0));
        let counted = Arc::clone(&passes);
        let stop = Arc::new(stop);
        let stopper = Arc::clone(&stop);
        let task = tokio::spawn(every(Duration::from_secs(60), stopped, move || {
            let (counted, stopper) = (Arc::clone(&counted), Arc::clone(&stopper));
            async move {
                if counted.fetch_add(1, Ordering::SeqCst) + 1 == 3 {
                    let _ = stopper.send(true);
                }
            }
        }));
        // Paused time: three passes need two minutes of waits, which the
        // runtime skips; the third raises the stop, so there is no fourth.
        task.await.expect("task");
        assert_eq!(passes.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_sender_stops_the_wait() {
        let (stop, mut stopped) = watch::channel(false);
        drop(stop);
        assert!(!wait_or_stop(&mut stopped, Duration::from_secs(3600)).await);
    }
}
