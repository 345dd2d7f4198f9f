//! Helpers shared by the integration tests.

/// The `error:` lines must be exactly as many as `expected`, the k-th holding every fragment of
/// `expected[k]`.
pub fn assert_errors<S: AsRef<str> + std::fmt::Debug>(lines: &[S], expected: &[&[&str]]) {
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
    for (line, fragments) in lines.iter().zip(expected) {
        for f in *fragments {
            assert!(
                line.as_ref().contains(f),
                "{line:?} lacks {f:?}; all errors: {lines:#?}"
            );
        }
    }
}
