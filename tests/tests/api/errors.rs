use hrc_tests::{first_code, on_both_backends, StatusCode, TestApp};
use serde_json::{json, Value};

async fn send(app: &TestApp, content_type: &str, body: Vec<u8>, accept: Option<&str>) -> (StatusCode, Value) {
    let mut request = app.client.post(app.url("/graphql")).header("content-type", content_type).body(body);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    hrc_tests::assert_errors_have_codes(&body);
    (status, body)
}

async fn unknown_fields_and_syntax_errors_are_named_with_codes(app: TestApp) {
    let (status, code, body) = app.query_error("{ regionalGroups { nope } }").await;
    assert_eq!((status, code.as_str()), (StatusCode::OK, "GRAPHQL_VALIDATION_FAILED"));
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("nope"));
    let (_, code, _) = app.query_error("{ countries { isoCode ").await;
    assert_eq!(code, "GRAPHQL_PARSE_FAILED");
    let (_, code, _) = app.query_error(r#"{ country(isoCode: "1") { name } }"#).await;
    assert_eq!(code, "BAD_USER_INPUT");
    let (_, code, _) = app.query_error(r#"{ countries(regionalGroup: ATLANTIS) { isoCode } }"#).await;
    assert_eq!(code, "GRAPHQL_VALIDATION_FAILED");
}

async fn request_errors_get_4xx_for_clients_of_the_graphql_response_type(app: TestApp) {
    let (status, body) = send(
        &app,
        "application/json",
        json!({ "query": "{ nope }" }).to_string().into_bytes(),
        Some("application/graphql-response+json"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(first_code(&body), "GRAPHQL_VALIDATION_FAILED");
}

async fn a_request_that_never_ran_has_no_data_entry(app: TestApp) {
    for (query, code) in [("{ nope }", "GRAPHQL_VALIDATION_FAILED"), ("{ countries { isoCode ", "GRAPHQL_PARSE_FAILED")]
    {
        for accept in ["application/json", "application/graphql-response+json"] {
            let body = json!({ "query": query }).to_string().into_bytes();
            let (_, body) = send(&app, "application/json", body, Some(accept)).await;
            assert_eq!(first_code(&body), code);
            assert!(body.get("data").is_none(), "a request error has no data entry: {body}");
        }
    }
    // A field error during execution keeps `data`: the request ran.
    let (_, body) = app.post(&json!({ "query": r#"{ country(isoCode: "1") { name } }"# }), None).await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
    assert!(body.get("data").is_some(), "{body}");
}

async fn malformed_bodies_are_refused_with_400(app: TestApp) {
    for (body, case) in [
        (b"not json".to_vec(), "not JSON"),
        (b"[1, 2]".to_vec(), "not an object"),
        (br#"{"operationName": "x"}"#.to_vec(), "no query"),
        (br#"{"query": 42}"#.to_vec(), "query not a string"),
        (br#"{"query": "{ viewer { subject } }", "variables": "x"}"#.to_vec(), "variables not an object"),
    ] {
        let (status, body) = send(&app, "application/json", body, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{case}: {body}");
        assert_eq!(first_code(&body), "BAD_REQUEST", "{case}");
    }
    let (status, body) = send(&app, "text/plain", b"{ viewer { subject } }".to_vec(), None).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(first_code(&body), "BAD_REQUEST");
}

async fn an_oversized_body_is_refused_with_413(app: TestApp) {
    let padding = " ".repeat(app.settings.max_body_bytes + 1);
    let body = format!(r#"{{"query": "{{ viewer {{ subject }} }}{padding}"}}"#);
    let (status, body) = send(&app, "application/json", body.into_bytes(), None).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(first_code(&body), "PAYLOAD_TOO_LARGE");
}

/// Sends `parts` as the chunks of a chunked `POST /graphql` (no `Content-Length`), pausing between them so that each
/// arrives on its own, and returns the status and the body.
async fn post_in_chunks(app: &TestApp, parts: &[&str], end: bool) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for part in parts {
        stream.write_all(format!("{:x}\r\n{part}\r\n", part.len()).as_bytes()).await.unwrap();
        stream.flush().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // A body past the limit is answered (413) without its end.
    if end {
        stream.write_all(b"0\r\n\r\n").await.unwrap();
    }
    // Read up to the end of the answer, as its length gives it: after a 413 the server may keep the connection open
    // for the rest of the body, which never comes.
    let mut response = Vec::new();
    let read = async {
        let mut buffer = [0u8; 16 * 1024];
        loop {
            let n = stream.read(&mut buffer).await.unwrap_or(0);
            response.extend_from_slice(&buffer[..n]);
            let text = String::from_utf8_lossy(&response).into_owned();
            if n == 0 || answer_is_whole(&text) {
                return text;
            }
        }
    };
    let text = tokio::time::timeout(std::time::Duration::from_secs(20), read).await.expect("an answer in time");
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// Whether `text` holds a whole HTTP answer with a `Content-Length`.
fn answer_is_whole(text: &str) -> bool {
    let Some((head, body)) = text.split_once("\r\n\r\n") else { return false };
    let length = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
        .and_then(|v| v.parse::<usize>().ok());
    length.is_some_and(|length| body.len() >= length)
}

async fn a_body_in_several_chunks_is_read_whole_and_its_limit_holds(app: TestApp) {
    let (status, body) = post_in_chunks(&app, &[r#"{"query": "{ regional"#, r#"Groups { code } }"}"#], true).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["data"]["regionalGroups"].as_array().is_some_and(|g| !g.is_empty()), "{body}");
    let (status, body) = post_in_chunks(&app, &[r#"{"query": "{ __typename }"}"#], true).await;
    assert_eq!((status, &body["data"]["__typename"]), (200, &json!("Query")), "{body}");
    // Over the limit, with no Content-Length to refuse it by: refused once the chunks pass it.
    let padding = " ".repeat(app.settings.max_body_bytes / 2 + 1);
    let (first, second) = (format!(r#"{{"query": "{{ __typename }}{padding}"#), format!(r#"{padding}"}}"#));
    let (status, body) = post_in_chunks(&app, &[&first, &second], false).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(first_code(&body), "PAYLOAD_TOO_LARGE");
}

async fn mutations_over_get_and_other_methods_are_refused_with_405(app: TestApp) {
    let response = app.client.get(app.url("/graphql")).query(&[("query", "mutation { x }")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(first_code(&body), "METHOD_NOT_ALLOWED");
    let response = app.client.put(app.url("/graphql")).body("{}").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "GET, POST");
    let body: Value = response.json().await.unwrap();
    assert_eq!(first_code(&body), "METHOD_NOT_ALLOWED");
}

async fn queries_past_the_depth_limit_are_refused_before_running(app: TestApp) {
    // 16 levels: countries { regionalGroup { countries { … { code } } } }, past the default limit of 12.
    let mut query = "code".to_owned();
    for level in 0..16 {
        let field = if level % 2 == 0 { "regionalGroup" } else { "countries" };
        query = format!("{field} {{ {query} }}");
    }
    query = format!("{{ {query} }}");
    let (_, code, body) = app.query_error(&query).await;
    assert_eq!(code, "QUERY_TOO_COMPLEX", "{body}");
    // A document nested beyond what the parser accepts is refused too, not a stack overflow.
    query = format!("{}{}", "{ countries ".repeat(200), "}".repeat(200));
    let (status, code, _) = app.query_error(&query).await;
    assert_eq!(status, StatusCode::OK);
    assert!(code == "QUERY_TOO_COMPLEX" || code == "GRAPHQL_PARSE_FAILED", "{code}");
}

/// `{ mechanism(key: "upr") { parent { parent { … { key } } } } }`, exactly `levels` fields deep (and cheap: every
/// level is one object or null).
fn nested(levels: usize) -> String {
    let mut query = "key".to_owned();
    for _ in 0..levels - 2 {
        query = format!("parent {{ {query} }}");
    }
    format!(r#"{{ mechanism(key: "upr") {{ {query} }} }}"#)
}

async fn the_depth_limit_counts_data_and_lets_the_standard_introspection_query_through(app: TestApp) {
    // Data: 12 levels pass, 13 are refused, naming the limit.
    app.query(&nested(12)).await;
    let (_, code, body) = app.query_error(&nested(13)).await;
    assert_eq!(code, "QUERY_TOO_COMPLEX", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("nested 13 deep; the limit is 12"), "{body}");
    // The same through a fragment.
    let (_, code, body) = app.query_error(&format!("query {{ ...F }} fragment F on Query {}", nested(13))).await;
    assert_eq!(code, "QUERY_TOO_COMPLEX", "{body}");
    app.query(&format!("query {{ ...F }} fragment F on Query {}", nested(12))).await;
    // A cycle through plain lists costs each list's size: a country's group's countries' group's countries is
    // refused for its complexity, however shallow; reference lists as dashboards read them are not.
    let (_, code, body) = app
        .query_error("{ countries { regionalGroup { countries { regionalGroup { countries { isoCode } } } } } }")
        .await;
    assert_eq!(code, "QUERY_TOO_COMPLEX", "{body}");
    let (_, code, _) = app
        .query_error(r#"{ mechanism(key: "special-procedures") { mandates { mechanism { mandates { mechanism { mandates { key } } } } } } }"#)
        .await;
    assert_eq!(code, "QUERY_TOO_COMPLEX");
    let data = app
        .query("{ regionalGroups { code countries { isoCode name } } countries { isoCode name regionalGroup { code } } sdgGoals { targets { code } } }")
        .await;
    assert_eq!(data["countries"].as_array().unwrap().len(), 195);
    // The introspection query GraphiQL and client tools send (as graphql-core writes it) is 15 deep, and answers.
    let data = app.query(include_str!("introspection-query.graphql")).await;
    assert!(data["__schema"]["types"].as_array().is_some_and(|t| t.len() > 100), "{data}");
    // Introspection has its ceiling too.
    let mut deep = "name".to_owned();
    for _ in 0..9 {
        deep = format!("fields {{ type {{ {deep} }} }}");
    }
    let (_, code, body) = app.query_error(&format!(r#"{{ __type(name: "Query") {{ {deep} }} }}"#)).await;
    assert_eq!(code, "QUERY_TOO_COMPLEX", "{body}");
}

async fn an_unknown_operation_name_is_a_bad_request(app: TestApp) {
    let (status, body) =
        app.post(&json!({ "query": "query A { viewer { subject } }", "operationName": "B" }), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first_code(&body), "BAD_REQUEST");
    let (_, body) =
        app.post(&json!({ "query": "query A { viewer { subject } } query B { viewer { subject } }" }), None).await;
    assert_eq!(first_code(&body), "BAD_REQUEST");
}

async fn variables_of_the_wrong_type_are_refused_with_a_code(app: TestApp) {
    let (_, body) = app
        .post(&json!({ "query": "query($n: Int) { resolutions(first: $n) { totalCount } }", "variables": { "n": "ten" } }), None)
        .await;
    let code = first_code(&body);
    assert!(code == "GRAPHQL_VALIDATION_FAILED" || code == "BAD_USER_INPUT", "{body}");
}

async fn accept_and_content_type_are_read_without_regard_to_case_and_with_their_weights(app: TestApp) {
    let bad = || json!({ "query": "{ nope }" }).to_string().into_bytes();
    // The response type asked for in capitals is the response type: a request error is a 400.
    let (status, body) = send(&app, "application/json", bad(), Some("APPLICATION/GRAPHQL-RESPONSE+JSON")).await;
    assert_eq!((status, first_code(&body)), (StatusCode::BAD_REQUEST, "GRAPHQL_VALIDATION_FAILED".to_owned()));
    // Refused with q=0, it is not picked: plain JSON, where every GraphQL response is a 200.
    let accept = "application/graphql-response+json; charset=utf-8; q=0, Application/Json;q=0.5";
    let (status, body) = send(&app, "application/json", bad(), Some(accept)).await;
    assert_eq!((status, first_code(&body)), (StatusCode::OK, "GRAPHQL_VALIDATION_FAILED".to_owned()));
    // A weight other than 0 does not refuse it.
    let (status, _) = send(&app, "application/json", bad(), Some("application/graphql-response+json;q=0.9")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Neither type acceptable: 406, in JSON.
    let (status, body) = send(&app, "application/json", bad(), Some("text/html, application/json;q=0")).await;
    assert_eq!((status, first_code(&body)), (StatusCode::NOT_ACCEPTABLE, "BAD_REQUEST".to_owned()));
    // The body's type, in capitals and with a parameter, is still JSON; another type is refused with 415.
    let good = json!({ "query": "{ __typename }" }).to_string().into_bytes();
    let (status, body) = send(&app, "Application/JSON; charset=utf-8", good.clone(), None).await;
    assert_eq!((status, &body["data"]["__typename"]), (StatusCode::OK, &json!("Query")), "{body}");
    let (status, body) = send(&app, "text/plain", good, None).await;
    assert_eq!((status, first_code(&body)), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "BAD_REQUEST".to_owned()));
}

on_both_backends!(
    unknown_fields_and_syntax_errors_are_named_with_codes,
    accept_and_content_type_are_read_without_regard_to_case_and_with_their_weights,
    request_errors_get_4xx_for_clients_of_the_graphql_response_type,
    a_request_that_never_ran_has_no_data_entry,
    malformed_bodies_are_refused_with_400,
    an_oversized_body_is_refused_with_413,
    a_body_in_several_chunks_is_read_whole_and_its_limit_holds,
    mutations_over_get_and_other_methods_are_refused_with_405,
    queries_past_the_depth_limit_are_refused_before_running,
    the_depth_limit_counts_data_and_lets_the_standard_introspection_query_through,
    an_unknown_operation_name_is_a_bad_request,
    variables_of_the_wrong_type_are_refused_with_a_code,
);
