//! Opaque global IDs (`Type:key`, base64url): stable across databases because the key is natural (an ISO code, a
//! symbol), never a row number.

use async_graphql::ID;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::support::error::ApiError;

/// Encodes a global ID.
pub fn encode(type_name: &str, key: &str) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{key}")))
}

/// Decodes a global ID into its type name and key; `field` names the argument for the error.
pub fn decode(field: &str, id: &str) -> Result<(String, String), ApiError> {
    let bad = || ApiError::bad_input(field, format!("{id:?} is not an ID issued by this API"));
    let bytes = URL_SAFE_NO_PAD.decode(id).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (type_name, key) = text.split_once(':').ok_or_else(bad)?;
    if type_name.is_empty() || key.is_empty() {
        return Err(bad());
    }
    Ok((type_name.to_owned(), key.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_decodes_to_what_was_encoded() {
        let id = encode("Resolution", "A/HRC/RES/45/31");
        assert_eq!(decode("id", &id).unwrap(), ("Resolution".to_owned(), "A/HRC/RES/45/31".to_owned()));
    }

    #[test]
    fn foreign_ids_are_bad_input_naming_the_argument() {
        for bad in ["", "!!!", "bm9jb2xvbg", "OmtleQ", "VHlwZTo"] {
            match decode("nodeId", bad) {
                Err(ApiError::BadUserInput { field, .. }) => assert_eq!(field, "nodeId"),
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }
}
