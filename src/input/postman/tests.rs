use super::*;

const V21: &str = r#"{
  "info": {"name": "t", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "variable": [{"key": "base", "value": "https://api.example.com"}, {"key": "who", "value": "collection"}],
  "auth": {"type": "oauth1", "oauth1": [{"key": "consumerKey", "value": "ck"}, {"key": "consumerSecret", "value": "cs"}]},
  "item": [
    {"name": "top", "request": {"method": "GET", "url": {"raw": "{{base}}/a?x={{who}}", "host": ["{{base}}"], "path": ["a"], "query": [{"key": "x", "value": "{{who}}"}, {"key": "off", "value": "1", "disabled": true}]}}},
    {"name": "f", "auth": {"type": "noauth"}, "item": [
      {"name": "same", "request": {"method": "POST", "url": "{{base}}/b", "body": {"mode": "urlencoded", "urlencoded": [{"key": "a b", "value": "c+d"}, {"key": "skip", "value": "1", "disabled": true}]}}},
      {"name": "g", "item": [{"name": "same", "request": {"url": "{{base}}/{{missing}}"}}]}
    ]}
  ]
}"#;

#[test]
fn finds_items_by_name_and_path() {
    let c = Collection::parse(V21.as_bytes()).unwrap();
    assert_eq!(c.schema.as_deref(), Some("v2.1.0"));
    assert_eq!(c.request_paths(), ["top", "f/same", "f/g/same"]);
    assert_eq!(c.find(Some("top")).unwrap(), "top");
    assert_eq!(c.find(Some("g/same")).unwrap(), "f/g/same");
    assert_eq!(c.find(Some("f/same")).unwrap(), "f/same");
    assert!(
        matches!(c.find(Some("same")), Err(ItemError::Ambiguous { candidates, .. }) if candidates.len() == 2)
    );
    assert!(
        matches!(c.find(Some("nope")), Err(ItemError::NotFound { candidates, .. }) if candidates.len() == 3)
    );
    assert!(matches!(c.find(None), Err(ItemError::Required { .. })));
}

#[test]
fn environment_wins_and_disabled_rows_are_skipped() {
    let c = Collection::parse(V21.as_bytes()).unwrap();
    let env = Environment::parse(br#"{"name": "e", "values": [{"key": "who", "value": "env", "enabled": true}, {"key": "base", "value": "x", "enabled": false}]}"#).unwrap();
    let item = c.resolve("top", Some(&env)).unwrap();
    assert_eq!(item.request.url, "https://api.example.com/a?x=env");
    let item = c.resolve("top", None).unwrap();
    assert_eq!(item.request.url, "https://api.example.com/a?x=collection");
    match item.auth {
        AuthChoice::OAuth1(s) => {
            assert_eq!(s.from, Origin::Collection);
            assert_eq!(s.consumer_key, "ck");
            assert!(s
                .read
                .iter()
                .all(|r| !r.value.contains("cs") || r.name != "consumerSecret"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn noauth_stops_inheritance_and_forms_are_encoded() {
    let c = Collection::parse(V21.as_bytes()).unwrap();
    let item = c.resolve("f/same", None).unwrap();
    assert!(matches!(item.auth, AuthChoice::NoAuth(Origin::Folder(ref n)) if n == "f"));
    assert_eq!(item.request.body, b"a%20b=c%2Bd");
    assert_eq!(item.form.unwrap(), [("a b".to_string(), "c+d".to_string())]);
    assert_eq!(
        item.request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
}

#[test]
fn unresolved_variable_is_named_with_its_place() {
    let c = Collection::parse(V21.as_bytes()).unwrap();
    let e = c.resolve("f/g/same", None).unwrap_err();
    assert!(
        matches!(&e, PostmanError::Unresolved { name, place } if name == "missing" && place == "the URL"),
        "{e}"
    );
    assert!(e.to_string().contains("{{missing}}"), "{e}");
}

#[test]
fn bad_json_names_line_and_column() {
    let e = Collection::parse(b"{\n  \"info\": {},\n  \"item\": [,]\n}").unwrap_err();
    assert_eq!(e.line_col().0, 3, "{e}");
    assert!(is_collection(V21.as_bytes()));
    assert!(!is_collection(b"{\"log\": {\"entries\": []}}"));
}

/// Collection format v2.0 (schema.getpostman.com/json/collection/v2.0.0):
/// auth settings are an object, not an array of {key, value}.
#[test]
fn v2_0_object_auth_is_read() {
    let v20 = r#"{"info": {"name": "old", "schema": "https://schema.getpostman.com/json/collection/v2.0.0/collection.json"},
      "item": [{"name": "r", "request": {"url": "http://h.example/p", "method": "GET",
        "auth": {"type": "oauth1", "oauth1": {"consumerKey": "k", "consumerSecret": "s", "addParamsToHeader": true, "signatureMethod": "HMAC-SHA256"}}}}]}"#;
    let c = Collection::parse(v20.as_bytes()).unwrap();
    assert_eq!(c.schema.as_deref(), Some("v2.0.0"));
    let item = c.resolve(&c.find(None).unwrap(), None).unwrap();
    match item.auth {
        AuthChoice::OAuth1(s) => {
            assert!(s.add_params_to_header);
            assert_eq!(s.signature_method, "HMAC-SHA256");
            assert_eq!(s.from, Origin::Request);
        }
        other => panic!("{other:?}"),
    }
}

/// Postman's runtime groups form rows by name, in order of each name's
/// first appearance, keeping the rows' order within a name.
#[test]
fn form_rows_are_grouped_by_first_appearance() {
    let rows: Vec<(String, String)> =
        [("b", "1"), ("a", "2"), ("b", "3 x"), ("c", "4"), ("a", "5")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    assert_eq!(super::body::form_body(&rows), "b=1&b=3%20x&a=2&a=5&c=4");
}

/// A collection with a request named `log` is a collection; a HAR whose
/// bodies hold a collection's words is not.
#[test]
fn a_request_named_log_does_not_hide_a_collection() {
    let with_log = V21.replacen("\"name\": \"top\"", "\"name\": \"log\"", 1);
    assert!(with_log.contains("\"log\""));
    assert!(is_collection(with_log.as_bytes()));
    let har = format!("{{\n  \"log\": {{\"entries\": [], \"_comment\": {V21}}}}}");
    assert!(har.contains("schema.getpostman.com") && har.contains("\"item\""));
    assert!(!is_collection(har.as_bytes()));
}

/// `protocolProfileBehavior` sits beside `request` (the item's), or on a
/// folder or the collection: `disableBodyPruning` there keeps a GET's body.
#[test]
fn body_pruning_is_read_where_postman_writes_it() {
    let collection = |item_behavior: &str, folder_behavior: &str| {
        format!(
            r#"{{"info": {{"name": "t", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},
            "item": [{{"name": "f", {folder_behavior} "item": [{{"name": "get", {item_behavior}
              "request": {{"method": "GET", "url": "https://api.example.com/a",
                "body": {{"mode": "raw", "raw": "payload"}}}}}}]}}]}}"#
        )
    };
    let sent = |text: String| {
        read(text.as_bytes(), Some("f/get"), None)
            .unwrap()
            .body_sent
    };
    let keep = r#""protocolProfileBehavior": {"disableBodyPruning": true},"#;
    assert!(!sent(collection("", "")));
    assert!(sent(collection(keep, "")));
    assert!(sent(collection("", keep)));
}
