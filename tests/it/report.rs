//! `cyberstance report` on the annotated seeds: a self-contained page holding every article, entity
//! and stance; rendered by headless Chromium (Debian `chromium`; scripts/setup.sh --chromium)
//! without console errors, with a screenshot left in target/report-seeds.png to look at.

use std::process::Command;

use crate::common::{annotated_seeds, installed, repo, BIN};

#[test]
fn the_seeds_report_is_self_contained_and_renders_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let (annotated, records) = annotated_seeds(dir.path());
    let page_path = dir.path().join("report.html");
    let o = Command::new(BIN)
        .arg("report")
        .arg(&annotated)
        .arg("-o")
        .arg(&page_path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(&page_path).unwrap();

    // self-contained: nothing to fetch, no script
    for needle in ["<script", "src=", "href=", "url(", "@import"] {
        assert!(!page.contains(needle), "the page has {needle}");
    }
    // every article, every entity, every stance
    let marks = page.matches("<b>").count();
    let entities: usize = records.iter().map(|r| r.entities.len()).sum();
    let stances: usize = records.iter().map(|r| r.stances.as_ref().map_or(0, Vec::len)).sum();
    assert!(stances > 0);
    for r in &records {
        assert!(page.contains(&format!(">{}</h2>", r.id)), "{}", r.id);
    }
    // each entity's label tag ends its mark; the stance list's actor names are bold too
    assert_eq!(marks, entities + stances);
    assert_eq!(page.matches("<li>").count(), stances);
    assert!(page.contains("<table id=\"matrix\">"));

    let chromium = ["chromium", "chromium-browser"].iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if !installed(
        chromium.is_some(),
        "chromium",
        "--chromium",
        "CYBERSTANCE_REQUIRE_CHROMIUM",
    ) {
        return;
    }
    let chromium = chromium.expect("installed");
    let shot = repo().join("target/report-seeds.png");
    let _ = std::fs::remove_file(&shot);
    let profile = dir.path().join("chromium-profile");
    let o = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1200,2400",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page_path.display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let console: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught") || l.contains("ERR_FILE_NOT_FOUND"))
        .collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "{} bytes", png.len());
}
