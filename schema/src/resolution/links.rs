//! What a resolution did to the Council's mechanisms, mandates and reports: the ones it established, the mandates it
//! renewed and the reports it requested (the reverse of `Mechanism.establishedBy`, `Mandate.establishedBy`,
//! `Mandate.renewals` and `Report.requestedBy`), loaded in one batch for all the resolutions of a page.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use hrc_db::models::{Mandate, Mechanism, Report};

use crate::loaders::DbLoader;
use crate::support::error::ApiError;

/// The mechanisms a resolution established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MechanismsEstablishedBy(pub i64);

/// The mandates a resolution established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MandatesEstablishedBy(pub i64);

/// The reports a resolution requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReportsRequestedBy(pub i64);

/// The mandates a resolution renewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MandatesRenewedBy(pub i64);

fn grouped<K: std::hash::Hash + Eq + Copy, T>(
    wanted: &[K],
    rows: impl IntoIterator<Item = (K, T)>,
) -> HashMap<K, Vec<T>> {
    let mut out: HashMap<K, Vec<T>> = wanted.iter().map(|k| (*k, Vec::new())).collect();
    for (k, row) in rows {
        out.entry(k).or_default().push(row);
    }
    out
}

/// A loader of the rows several resolutions point to, grouped by the resolution each row names.
macro_rules! by_resolution {
    ($key:ident => $row:ty, $fetch:path, |$r:ident| $group:expr) => {
        impl Loader<$key> for DbLoader {
            type Value = Vec<$row>;
            type Error = Arc<ApiError>;

            async fn load(&self, wanted: &[$key]) -> Result<HashMap<$key, Vec<$row>>, Self::Error> {
                let ids: Vec<i64> = wanted.iter().map(|k| k.0).collect();
                let rows = self.run(move |c| $fetch(c, &ids)).await?;
                Ok(grouped(wanted, rows.into_iter().filter_map(|$r| $group)))
            }
        }
    };
}

by_resolution!(MechanismsEstablishedBy => Mechanism, Mechanism::established_by, |m| Some((
    MechanismsEstablishedBy(m.established_by_id?),
    m
)));
by_resolution!(MandatesEstablishedBy => Mandate, Mandate::established_by, |m| Some((
    MandatesEstablishedBy(m.established_by_id?),
    m
)));
by_resolution!(MandatesRenewedBy => Mandate, Mandate::renewed_by, |pair| Some((MandatesRenewedBy(pair.0), pair.1)));
by_resolution!(ReportsRequestedBy => Report, Report::requested_by, |r| Some((ReportsRequestedBy(r.requested_by_id?), r)));
