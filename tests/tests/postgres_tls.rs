//! Managed PostgreSQL services demand TLS: the bundled libpq and OpenSSL must connect with `sslmode=require`.

use diesel::prelude::*;
use diesel::sql_types::Bool;

#[derive(QueryableByName)]
struct Ssl {
    #[diesel(sql_type = Bool)]
    ssl: bool,
}

#[test]
fn a_postgres_connection_with_sslmode_require_is_encrypted() {
    let Some(database) = hrc_tests::TestDatabase::create(hrc_tests::Backend::Postgres) else { return };
    // The tests' URL says `sslmode=disable` unless the one given says otherwise (see `hrc_tests::postgres_url`).
    let url = match database.url.find("sslmode=") {
        Some(at) => {
            let end = database.url[at..].find('&').map_or(database.url.len(), |i| at + i);
            format!("{}sslmode=require{}", &database.url[..at], &database.url[end..])
        }
        None => format!("{}{}sslmode=require", database.url, if database.url.contains('?') { '&' } else { '?' }),
    };
    let mut conn = match hrc_db::connection::establish(&url).expect("connects with sslmode=require") {
        hrc_db::DbConnection::Pg(conn) => conn,
        hrc_db::DbConnection::Sqlite(_) => unreachable!(),
    };
    let row: Ssl =
        diesel::sql_query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").get_result(&mut conn).unwrap();
    assert!(row.ssl, "the connection is not encrypted");
}
