//! Write throughput with replication off and on: one row per transaction through the app's
//! writer (`Db::write_blocking`, `BEGIN IMMEDIATE`, `synchronous = FULL`), as a claim
//! submission does, while the replicator ships to a `file://` replica every second.
//!
//! Run: `cargo bench --bench replication` (or, without a release build,
//! `cargo bench --profile dev --bench replication`; each commit waits for an fsync, so the
//! profile changes little). `BENCH_ROWS` (default 3000) rows per run, `BENCH_ROUNDS` (default 2) rounds;
//! the modes alternate off/on and the best run of each counts (the machine is shared).

use std::time::{Duration, Instant};

use flightclaim::backup::{Replicator, Settings, prepare_writer};
use flightclaim::db::Db;

fn run(replicate: bool, rows: usize) -> f64 {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    let db_path = data.join("flightclaim.sqlite3");
    let db = Db::open(&db_path).expect("db");
    db.write_blocking(|tx| {
        tx.execute_batch(
            "CREATE TABLE bench (id INTEGER PRIMARY KEY, ref TEXT NOT NULL, body TEXT NOT NULL, at TEXT NOT NULL)",
        )?;
        Ok(())
    })
    .expect("schema");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let handle = if replicate {
        db.with_writer(|c| Ok(prepare_writer(c)?)).expect("pragmas");
        let settings = Settings {
            url: format!("file://{}", dir.path().join("replica").display()),
            db_path: db_path.clone(),
            documents_dir: data.join("documents"),
            sync_interval: Duration::from_secs(1),
            retention: Duration::from_hours(24 * 30),
            lag_alert: Duration::from_mins(1),
            snapshot_interval: Duration::from_hours(24),
            compaction: [
                Duration::from_secs(30),
                Duration::from_mins(5),
                Duration::from_hours(1),
            ],
            verify_interval: Duration::from_hours(6),
        };
        let replicator = Replicator::new(settings, &data)
            .expect("replicator")
            .with_writer_gate(db.clone());
        let status = replicator.status();
        let h = rt.spawn(replicator.run(async {
            let _ = stop_rx.await;
        }));
        Some((h, status))
    } else {
        None
    };
    let body = "x".repeat(600);
    let start = Instant::now();
    for i in 0..rows {
        let body = body.clone();
        db.write_blocking(move |tx| {
            tx.execute(
                "INSERT INTO bench (ref, body, at) VALUES (?1, ?2, ?3)",
                rusqlite::params![format!("FC-{i:06}"), body, flightclaim::db::now_text()],
            )?;
            Ok(())
        })
        .expect("insert");
    }
    let elapsed = start.elapsed().as_secs_f64();
    if let Some((h, status)) = handle {
        let _ = stop_tx.send(());
        rt.block_on(h).expect("replicator stops");
        let s = status.snapshot();
        assert!(s.txid > 1, "the replicator shipped: {s:?}");
    }
    #[allow(clippy::cast_precision_loss)]
    let rate = rows as f64 / elapsed;
    rate
}

fn main() {
    if let Ok(filter) = std::env::var("BENCH_LOG") {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let rows: usize = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    let (mut off, mut on) = (0f64, 0f64);
    for round in 0..rounds {
        let a = run(false, rows);
        let b = run(true, rows);
        println!("round {round}: replication off {a:.0} tx/s, on {b:.0} tx/s");
        off = off.max(a);
        on = on.max(b);
    }
    println!(
        "replication: best off {off:.0} tx/s, best on {on:.0} tx/s, slowdown {:.1} % ({rows} single-row transactions per run)",
        (1.0 - on / off) * 100.0
    );
}
