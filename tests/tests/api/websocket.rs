//! GraphQL over WebSocket (`graphql-transport-ws`): the socket authenticates in `connection_init` with the same rules
//! as HTTP, and its operations run for that caller on the schema its roles select.

use futures_util::{SinkExt, StreamExt};
use hrc_tests::{on_both_backends, TestApp};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(app: &TestApp) -> Socket {
    let url = app.url("/graphql").replace("http://", "ws://");
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    let (socket, response) = tokio_tungstenite::connect_async(request).await.expect("the socket opens");
    assert_eq!(response.headers()["sec-websocket-protocol"], "graphql-transport-ws");
    socket
}

/// The next message, as JSON; or the close frame's code.
async fn next(socket: &mut Socket) -> Result<Value, u16> {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
            .await
            .expect("an answer within 10 s");
        match message {
            Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text).unwrap()),
            Some(Ok(Message::Close(frame))) => return Err(frame.map(|f| u16::from(f.code)).unwrap_or(0)),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return Err(0),
        }
    }
}

async fn init(socket: &mut Socket, payload: Value) -> Result<Value, u16> {
    socket
        .send(Message::Text(json!({ "type": "connection_init", "payload": payload }).to_string().into()))
        .await
        .unwrap();
    next(socket).await
}

async fn run(socket: &mut Socket, id: &str, query: &str) -> Value {
    let subscribe = json!({ "type": "subscribe", "id": id, "payload": { "query": query } });
    socket.send(Message::Text(subscribe.to_string().into())).await.unwrap();
    let answer = next(socket).await.expect("an answer");
    assert_eq!(answer["id"], id, "{answer}");
    assert_eq!(answer["type"], "next", "{answer}");
    let complete = next(socket).await.expect("complete");
    assert_eq!(complete, json!({ "type": "complete", "id": id }));
    answer["payload"].clone()
}

/// A WebSocket ping is answered with a pong carrying its payload, so that clients that keep the connection alive with
/// pings do not drop a quiet subscription.
async fn a_ping_is_answered_with_its_pong(app: TestApp) {
    let mut socket = connect(&app).await;
    assert_eq!(init(&mut socket, json!({})).await, Ok(json!({ "type": "connection_ack" })));
    socket.send(Message::Ping(b"are you there".to_vec().into())).await.unwrap();
    let pong = loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(5), socket.next())
            .await
            .expect("an answer within 5 s")
            .expect("the socket is open")
            .unwrap();
        if let Message::Pong(payload) = message {
            break payload;
        }
    };
    assert_eq!(&pong[..], b"are you there");
}

async fn a_socket_runs_operations_for_the_caller_its_connection_init_names(app: TestApp) {
    // Anonymous: the public schema.
    let mut socket = connect(&app).await;
    assert_eq!(init(&mut socket, json!({})).await, Ok(json!({ "type": "connection_ack" })));
    let answer = run(&mut socket, "1", r#"{ viewer { subject } country(isoCode: "NPL") { isoCode } }"#).await;
    assert_eq!(answer["data"], json!({ "viewer": null, "country": { "isoCode": "NPL" } }));
    let answer = run(&mut socket, "2", "{ complaintCommunicationCounts { count } }").await;
    assert_eq!(answer["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{answer}");
    let answer = run(&mut socket, "3", r#"mutation { withdrawStandingInvitation(country: "NPL") }"#).await;
    assert_eq!(answer["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{answer}");

    // A complaint-procedure secretary, by `Authorization`: the complaint schema, as that caller.
    let token = app.token("cs-officer", &["complaint_secretariat"], None);
    let mut socket = connect(&app).await;
    assert_eq!(
        init(&mut socket, json!({ "Authorization": format!("Bearer {token}") })).await,
        Ok(json!({ "type": "connection_ack" }))
    );
    let answer = run(&mut socket, "1", "{ viewer { subject roles } complaintCommunicationCounts { count } }").await;
    assert_eq!(
        answer["data"],
        json!({ "viewer": { "subject": "cs-officer", "roles": ["COMPLAINT_SECRETARIAT"] }, "complaintCommunicationCounts": [] }),
        "{answer}"
    );

    // A partner, by `token`: refused what a partner is refused.
    let token = app.token("partner-system", &["partner"], None);
    let mut socket = connect(&app).await;
    assert_eq!(init(&mut socket, json!({ "token": token })).await, Ok(json!({ "type": "connection_ack" })));
    let answer = run(&mut socket, "1", r#"mutation { withdrawStandingInvitation(country: "NPL") }"#).await;
    assert_eq!(answer["errors"][0]["extensions"]["code"], "FORBIDDEN", "{answer}");
}

async fn a_socket_with_a_bad_token_is_closed_at_connection_init(app: TestApp) {
    let good = app.token("cs-officer", &["complaint_secretariat"], None);
    let mut tampered = good.clone();
    tampered.pop();
    tampered.push(if good.ends_with('A') { 'B' } else { 'A' });
    let expired = app.auth.issue("someone", &["secretariat".to_owned()], None, -3_600).unwrap().unwrap();
    let header =
        base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, br#"{"alg":"none","typ":"JWT"}"#);
    let body = good.split('.').nth(1).unwrap();
    let unsigned = format!("{header}.{body}.");
    let state_without_country = app.token("focal", &["state_focal_point"], None);
    for (what, token) in [
        ("tampered", tampered),
        ("expired", expired),
        ("alg none", unsigned),
        ("state role without a country", state_without_country),
        ("not a token", "garbage".to_owned()),
    ] {
        let mut socket = connect(&app).await;
        let outcome = init(&mut socket, json!({ "Authorization": format!("Bearer {token}") })).await;
        assert_eq!(outcome, Err(4403), "{what}: the socket is closed as forbidden");
    }
}

async fn subscribe(app: &TestApp, token: &str, query: &str) -> Socket {
    let mut socket = connect(app).await;
    assert_eq!(init(&mut socket, json!({ "token": token })).await, Ok(json!({ "type": "connection_ack" })));
    let subscribe = json!({ "type": "subscribe", "id": "s", "payload": { "query": query } });
    socket.send(Message::Text(subscribe.to_string().into())).await.unwrap();
    socket
}

/// The next event on a subscription, or `None` if none comes within a second.
async fn event(socket: &mut Socket) -> Option<Value> {
    match tokio::time::timeout(std::time::Duration::from_secs(1), next(socket)).await {
        Ok(Ok(message)) => {
            assert_eq!(message["type"], "next", "{message}");
            Some(message["payload"]["data"]["fundRequestEvents"].clone())
        }
        _ => None,
    }
}

async fn fund_pipeline_events_reach_the_subscribers_who_may_see_them(app: TestApp) {
    hrc_tests::fixtures::fund_criteria(&app).await;
    let query = "subscription { fundRequestEvents { key status change country { isoCode } } }";
    let mut secretariat = subscribe(&app, &app.token("fs", &["fund_secretariat"], None), query).await;
    let mut committee = subscribe(&app, &app.token("delegate", &["fund_committee"], Some("POL")), query).await;
    let mut nepal = subscribe(&app, &app.token("focal-npl", &["state_focal_point"], Some("NPL")), query).await;
    let mut algeria = subscribe(&app, &app.token("focal-dza", &["state_focal_point"], Some("DZA")), query).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let draft = hrc_tests::fixtures::fund_draft(&app, "NPL", &[]).await;
    let key = draft["key"].as_str().unwrap().to_owned();
    let created = json!({ "key": key, "status": "DRAFT", "change": "CREATED", "country": { "isoCode": "NPL" } });
    assert_eq!(event(&mut secretariat).await, Some(created.clone()));
    assert_eq!(event(&mut nepal).await, Some(created));
    let focal = app.token("focal-npl", &["state_focal_point"], Some("NPL"));
    app.query_as(
        &format!(
            r#"mutation {{ submitFundRequest(id: "{}", expectedVersion: 1) {{ status }} }}"#,
            draft["id"].as_str().unwrap()
        ),
        Some(&focal),
    )
    .await;
    let submitted =
        json!({ "key": key, "status": "SUBMITTED", "change": "STATUS_CHANGED", "country": { "isoCode": "NPL" } });
    assert_eq!(event(&mut secretariat).await, Some(submitted.clone()));
    assert_eq!(event(&mut nepal).await, Some(submitted.clone()));
    // The committee never saw the draft: its first event is the submission.
    assert_eq!(event(&mut committee).await, Some(submitted));
    // A draft withdrawn before it was ever submitted stays the State's and the fund secretariat's: the committee
    // hears nothing of it (the subscription asks the same table, with the same rows, as the list).
    let second = hrc_tests::fixtures::fund_draft(&app, "NPL", &[]).await;
    app.query_as(
        &format!(
            r#"mutation {{ withdrawFundRequest(id: "{}", expectedVersion: 1) {{ status }} }}"#,
            second["id"].as_str().unwrap()
        ),
        Some(&focal),
    )
    .await;
    let second_key = second["key"].as_str().unwrap();
    let withdrawn = json!({ "key": second_key, "status": "WITHDRAWN", "change": "STATUS_CHANGED", "country": { "isoCode": "NPL" } });
    assert_eq!(event(&mut secretariat).await.map(|e| e["change"].clone()), Some(json!("CREATED")));
    assert_eq!(event(&mut secretariat).await, Some(withdrawn));
    assert_eq!(event(&mut committee).await, None, "a withdrawn draft is no submitted request");
    // Another State's focal point sees nothing of Nepal's requests.
    assert_eq!(event(&mut algeria).await, None);
    // The public may not subscribe.
    let refused = hrc_tests::ws_first(&app, None, query, std::time::Duration::from_secs(2)).await.expect("an answer");
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{refused}");
}

on_both_backends!(
    a_ping_is_answered_with_its_pong,
    fund_pipeline_events_reach_the_subscribers_who_may_see_them,
    a_socket_runs_operations_for_the_caller_its_connection_init_names,
    a_socket_with_a_bad_token_is_closed_at_connection_init,
);
