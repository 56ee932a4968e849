//! The committed SDL (`schema/schema.graphql`) is the schema the code builds, so every change to the API's shape shows
//! in review. After an intended change: `HRC_UPDATE_SNAPSHOTS=1 cargo test -p hrc-tests --test schema_snapshot`.

use std::path::PathBuf;

#[test]
fn the_committed_sdl_matches_the_schema() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/schema.graphql");
    let actual = hrc_schema::sdl();
    if std::env::var("HRC_UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == actual,
        "schema/schema.graphql differs from the schema the code builds; if the change is intended, run \
         HRC_UPDATE_SNAPSHOTS=1 cargo test -p hrc-tests --test schema_snapshot and commit the file"
    );
}
