//! Tests of speakers across sentences: continuation, quotations, and an opinion piece's own voice.

use super::*;

#[test]
fn continuation_within_a_paragraph_and_a_quoted_paragraph() {
    let t = "Costa Rica emphasised inclusion. Governments must engage civil society.\n\n\
             Those efforts must respect rights.\n\n\
             Nakamitsu said the UN stands ready.\n\n\
             “Perspectives from the private sector are unique.”";
    let got = attribute(t, &[("Nakamitsu", "PER"), ("UN", "ORG")]);
    let texts: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
    // the second sentence continues Costa Rica; a new paragraph without a speaker does not
    assert_eq!(
        texts,
        [
            "Costa Rica emphasised inclusion.",
            "Governments must engage civil society.",
            "Nakamitsu said the UN stands ready.",
            "“Perspectives from the private sector are unique.”"
        ]
    );
    assert_eq!(speakers(&got)[1], ["CRI"]);
    assert_eq!(speakers(&got)[3], ["nakamitsu"]);
}

#[test]
fn a_quotation_takes_the_speaker_named_where_it_closes() {
    let t = "Nakamitsu said little.\n\n“Rules exist. They must be applied,” Ms. Ana Lopez said. Others left.";
    let got = attribute(t, &[("Nakamitsu", "PER"), ("Ana Lopez", "PER")]);
    let texts: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Nakamitsu said little.",
            "“Rules exist.",
            "They must be applied,” Ms. Ana Lopez said.",
            "Others left."
        ]
    );
    assert_eq!(
        speakers(&got)[1..],
        [vec!["ana-lopez"], vec!["ana-lopez"], vec!["ana-lopez"]]
    );
}

#[test]
fn quotations_with_the_speaker_after_them_and_negated_verbs() {
    let t = "Brazil stressed capacity building. “We reject any new treaty!” Russia said. \
             “We reject it too,” said the United States. Russia does not support a new treaty.";
    let got = attribute(t, &[]);
    let texts: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Brazil stressed capacity building.",
            "“We reject any new treaty!”",
            "Russia said.",
            "“We reject it too,” said the United States.",
            "Russia does not support a new treaty."
        ]
    );
    assert_eq!(
        speakers(&got),
        [vec!["BRA"], vec!["RUS"], vec!["RUS"], vec!["USA"], vec!["RUS"]]
    );
}

#[test]
fn an_opinion_pieces_own_voice_is_the_outlets() {
    let t = "NetMag Global\nA binding instrument offers a path forward. We must act together, and our \
             future depends on it. Pakistan said aid was needed.";
    let got = attribute(t, &[("NetMag", "ORG")]);
    assert_eq!(
        speakers(&got),
        [vec!["netmag-global"], vec!["netmag-global"], vec!["PAK"]]
    );
    // "US" and roman numerals are not the author's voice
    let t = "Reuters\nAnnex I lists the measures. Part I covers ransomware. The US and the UK met.";
    assert!(attribute(t, &[("Reuters", "ORG")]).is_empty());
    // the same text without "we"/"our" is a report: no author's voice
    let t = "NetMag Global\nA binding instrument offers a path forward. Pakistan said aid was needed.";
    let got = attribute(t, &[("NetMag", "ORG")]);
    assert_eq!(speakers(&got), [vec!["PAK"]]);
}
