//! Criterion benches of the CPU stages around the models, on the seed articles: tokenizing,
//! decoding entities from scores, linking actors, attributing statements. The models themselves
//! are measured end to end by scripts/bench/bench.sh (they take over 90% of a run).
//!
//!     cargo bench --bench stages

use std::path::Path;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use cyberstance::actors::{gazetteer, Linker};
use cyberstance::config::ModelDir;
use cyberstance::ner::{Decoder, LabelSet};
use cyberstance::stance::attribution::Attributor;
use cyberstance::stance::cues::{self, Cues};
use cyberstance::tokenize::TextTokenizer;

fn seeds() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

fn stages(c: &mut Criterion) {
    let texts = seeds();
    let model = ModelDir::open(&cyberstance::config::default_model_dir()).unwrap();
    let tokenizer = TextTokenizer::from_file(&model.tokenizer()).unwrap();
    let labels = LabelSet::new(model.labels.clone());
    let linker = Linker::load(&gazetteer::default_dir()).unwrap();
    let cues = Cues::load(&cues::default_file()).unwrap();

    c.bench_function("tokenize 5 seeds", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| tokenizer.encode(black_box(t)).unwrap().len())
                .sum::<usize>()
        })
    });
    // decoding from fixed scores: "O" everywhere but a few entities
    let encoded: Vec<_> = texts.iter().map(|t| tokenizer.encode(t).unwrap()).collect();
    let width = labels.len();
    let scores: Vec<Vec<f32>> = encoded
        .iter()
        .map(|e| {
            (0..e.len() * width)
                .map(|i| {
                    if i % width == (i / width).is_multiple_of(7) as usize {
                        0.0
                    } else {
                        -5.0
                    }
                })
                .collect()
        })
        .collect();
    let mut decoder = Decoder::default();
    c.bench_function("decode 5 seeds", |b| {
        b.iter(|| {
            texts
                .iter()
                .zip(&encoded)
                .zip(&scores)
                .map(|((t, e), s)| decoder.decode(&labels, t, e, s).len())
                .sum::<usize>()
        })
    });
    // linking and attribution on the gazetteer's own finds (no model spans)
    c.bench_function("link 5 seeds", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| linker.link(black_box(t), &[]).actors.len())
                .sum::<usize>()
        })
    });
    let linked: Vec<_> = texts.iter().map(|t| linker.link(t, &[])).collect();
    let attributor = Attributor { cues: &cues };
    c.bench_function("attribute 5 seeds", |b| {
        b.iter(|| {
            texts
                .iter()
                .zip(&linked)
                .map(|(t, l)| {
                    let layer = cyberstance::text::Text::new(t, &cues.abbreviation);
                    attributor.statements(&layer, l).len()
                })
                .sum::<usize>()
        })
    });
}

criterion_group!(benches, stages);
criterion_main!(benches);
