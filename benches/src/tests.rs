use super::*;

#[test]
fn a_short_run_reports_every_figure_and_cleans_up() {
    let parent = tempfile::tempdir().expect("temp dir");
    let opts = BenchOptions { dir: Some(parent.path().to_path_buf()), seconds: 0.2, clients: 4 };
    let report = run(&opts).expect("the bench runs");
    println!("{}", report.table());

    let json = report.to_json();
    for key in [
        "sled_flush_ops_per_s",
        "sqlite_ops_per_s",
        "sqlite_p50_ms",
        "sqlite_p99_ms",
        "engine_ops_per_s_1",
        "engine_ops_per_s_64",
        "engine_p50_ms_1",
        "engine_p99_ms_1",
        "engine_p50_ms_64",
        "engine_p99_ms_64",
        "engine_commits_per_flush_64",
        "mail_parse_msgs_per_s",
        "ingest_msgs_per_s",
        "ingest_vs_parse_ratio",
    ] {
        let value = json[key].as_f64().unwrap_or_else(|| panic!("{key} is a number in {json}"));
        assert!(value.is_finite() && value >= 0.0, "{key} = {value}");
    }
    for key in [
        "sled_flush_ops_per_s",
        "sqlite_ops_per_s",
        "engine_ops_per_s_1",
        "engine_ops_per_s_64",
        "mail_parse_msgs_per_s",
        "ingest_msgs_per_s",
    ] {
        assert!(json[key].as_f64().is_some_and(|v| v > 0.0), "{key} > 0 in {json}");
    }
    for key in [
        "target_engine_5x_sled_met",
        "target_engine_2x_sqlite_met",
        "target_engine_p99_under_10ms_met",
        "target_ingest_half_parse_met",
        "targets_met",
    ] {
        assert!(json[key].is_boolean(), "{key} is a boolean in {json}");
    }
    assert_eq!(report.engine_many.clients, 4);
    assert!(report.engine_commits_per_flush_64 >= 1.0, "each flush covers at least one commit");
    assert!(report.table().contains("targets"));
    let left = std::fs::read_dir(parent.path()).expect("read the parent").count();
    assert_eq!(left, 0, "the scratch directory is removed");
}

#[test]
fn nonsense_options_are_refused() {
    let zero = BenchOptions { seconds: 0.0, ..BenchOptions::default() };
    assert!(run(&zero).is_err());
    let nobody = BenchOptions { clients: 0, ..BenchOptions::default() };
    assert!(run(&nobody).is_err());
}

#[test]
fn the_ingest_run_alone_reports_both_rates_and_its_target() {
    let report = run_ingest(0.05).expect("the ingest bench runs");
    let json = report.to_json();
    for key in ["mail_parse_msgs_per_s", "ingest_msgs_per_s", "ingest_vs_parse_ratio"] {
        assert!(json[key].as_f64().is_some_and(|v| v > 0.0), "{key} > 0 in {json}");
    }
    assert!(json["target_ingest_half_parse_met"].is_boolean(), "{json}");
    for key in ["corpus_accuracy", "worst_client_accuracy", "worst_language_accuracy", "corpus_ingest_vs_parse_ratio"] {
        assert!(json[key].as_f64().is_some_and(|v| v > 0.0), "{key} > 0 in {json}");
    }
    assert_eq!(json["false_introductions"], 0, "{json}");
    let table = report.table();
    assert!(table.contains("raw parse rate"));
    assert!(table.contains("per client") && table.contains("per language") && table.contains("held-out"), "{table}");
    assert!(run_ingest(0.0).is_err());
}
