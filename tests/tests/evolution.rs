//! A new spec release is not a breaking change: the same user code compiles against a fixture
//! spec and against its next release, which adds an optional field, an enum value and a
//! response property (`generator/tests/fixtures/evolve_v1`, `evolve_v2`). This file is another
//! crate than the generated code, so `#[non_exhaustive]` holds here as for any user.

use serde_json::json;

macro_rules! user_code {
    ($release:ident) => {
        mod $release {
            use matrix_api_tests::fixtures::$release::client_server::put_thing;

            /// Builds a request the way a user would: the constructor takes the required
            /// fields, optional ones are assigned.
            pub fn request() -> put_thing::Request {
                let mut request =
                    put_thing::Request::new("thing-1".into(), put_thing::Colour::from("red"));
                request.label = Some("first".into());
                request
            }

            /// Reads a response and matches an enum with the arm a new value needs.
            pub fn describe(
                request: &put_thing::Request,
                response: &put_thing::Response,
            ) -> String {
                let colour = match &request.colour {
                    put_thing::Colour::Red => "red",
                    put_thing::Colour::Green => "green",
                    other => other.as_str(),
                };
                format!("{colour} v{}", response.version)
            }
        }
    };
}

user_code!(evolve_v1);
user_code!(evolve_v2);

#[test]
fn code_written_for_one_release_works_with_the_next() {
    let v1 = evolve_v1::request();
    let v2 = evolve_v2::request();
    // Both send the same body: the new optional field is absent.
    assert_eq!(
        serde_json::to_value(&v1).expect("v1"),
        serde_json::to_value(&v2).expect("v2")
    );
    let answer = json!({"version": 7, "stored_at": 1234});
    let r1: matrix_api_tests::fixtures::evolve_v1::client_server::put_thing::Response =
        serde_json::from_value(answer.clone()).expect("v1 reads");
    let r2: matrix_api_tests::fixtures::evolve_v2::client_server::put_thing::Response =
        serde_json::from_value(answer.clone()).expect("v2 reads");
    assert_eq!(evolve_v1::describe(&v1, &r1), "red v7");
    assert_eq!(evolve_v2::describe(&v2, &r2), "red v7");
    // The older release keeps the newer property it does not know, so nothing is lost.
    assert_eq!(serde_json::to_value(&r1).expect("v1 writes"), answer);
    assert_eq!(r2.stored_at, Some(1234));
    // A value only the newer release lists is kept by the older one, readable as text.
    let blue =
        matrix_api_tests::fixtures::evolve_v1::client_server::put_thing::Colour::from("blue");
    assert_eq!(blue.as_str(), "blue");
}
