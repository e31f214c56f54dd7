//! Charts and the report, rendered from a synthetic result folder.

#[path = "support/chart_fixture.rs"]
mod chart_fixture;

use orgsim::output::charts::render_charts;
use orgsim::output::results::ResultSet;
use orgsim::scenario::Format;

/// Renders the fixture into `$ORGSIM_PREVIEW` to look at the charts by eye.
#[test]
#[ignore = "writes a preview folder; run by hand"]
fn preview() {
    let dir = std::path::PathBuf::from(
        std::env::var("ORGSIM_PREVIEW").unwrap_or("/tmp/orgsim-preview".into()),
    );
    std::fs::create_dir_all(&dir).unwrap();
    chart_fixture::write(&dir);
    let rs = ResultSet::load(&dir).unwrap();
    render_charts(&rs, &dir, &[Format::Png, Format::Svg]).unwrap();
}
