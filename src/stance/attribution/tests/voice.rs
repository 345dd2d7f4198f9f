//! Tests of an article's own voice: official statements (header lines, a state naming itself,
//! metadata) and who speaks for offices and heads of bodies.

use super::*;

#[test]
fn a_statements_first_person_voice_is_the_state_named_in_its_header() {
    let t = "Statement by the Permanent Representative of Kenya at the Security Council open debate\n\n\
             Thank you, Madam President.\n\n\
             We believe that our agreed norms must now be implemented. Capacity building deserves more support.";
    let got = attribute(t, &[("Security Council", "ORG")]);
    assert_eq!(speakers(&got), [vec!["KEN"], vec!["KEN"], vec!["KEN"]], "{got:?}");
    // the venue after "at" is not the speaker, even when it comes first
    let t = "Remarks at the OSCE by the delegation of Chile\n\nWe see ransomware as a threat. We urge restraint.";
    let got = attribute(t, &[("OSCE", "ORG")]);
    assert!(speakers(&got).iter().all(|s| s == &["CHL"]), "{got:?}");
}

#[test]
fn a_delivered_statement_without_header_takes_the_state_that_names_itself() {
    let t = "Mr President,\n\nI thank Peru for convening us. Chad has always stood for capacity building. \
             We reject the militarisation of cyberspace.\n\nOur region needs support.";
    let got = attribute(t, &[]);
    let last = got.last().unwrap();
    assert_eq!(last.0, "Our region needs support.");
    assert_eq!(last.1, ["TCD"]);
    // a report that does not speak in the first person has no voice of its own
    let t = "Chad has always stood for capacity building. The debate went on. Peru took the floor.";
    assert!(attribute(t, &[]).is_empty());
}

#[test]
fn the_voice_given_by_metadata_wins_over_the_text() {
    let t = "Thank you. We support a binding instrument.";
    let mut linked = linker().link(t, &[]);
    assert!(linked.actors.is_empty());
    linked.add_voices(&crate::corpus::Voices {
        speaker: Some("Norway".into()),
        speaker_code: Some("NOR".into()),
        ..Default::default()
    });
    assert_eq!(
        (linked.actors[0].id.as_str(), linked.actors[0].kind),
        ("NOR", Kind::State)
    );
    assert!(linked.actors[0].mentions.is_empty());
    let got = Attributor { cues: cues() }.statements(&crate::text::Text::new(t, &cues().abbreviation), &linked);
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|s| s.speakers == [0]));
}

#[test]
fn offices_of_a_state_and_heads_of_bodies_speak_for_them() {
    let t = "Peru hosted the talks. The Ministry of Foreign Affairs of Peru said attribution matters.\n\n\
             NATO Secretary General Lena Brandt warned of sabotage.\n\n\
             Omar Diallo, a researcher at UNIDIR, said norms matter.";
    let got = attribute(
        t,
        &[
            ("Peru", "GPE"),
            ("Ministry of Foreign Affairs of Peru", "ORG"),
            ("NATO", "ORG"),
            ("Lena Brandt", "PER"),
            ("Omar Diallo", "PER"),
            ("UNIDIR", "ORG"),
        ],
    );
    assert_eq!(
        speakers(&got),
        [vec!["PER"], vec!["nato"], vec!["omar-diallo"]],
        "{got:?}"
    );
}
