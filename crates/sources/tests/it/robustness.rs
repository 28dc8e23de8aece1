//! No input may panic a reader. Arbitrary bytes and mutated valid files go through `detect` and
//! through `read_as` for every format (a user can force any format on any file); each must
//! return a `Result`, and every error must be located in the file it was given.

use greenlight_sources::{detect, read_as, Format, SourceError};
use proptest::prelude::*;
use std::path::Path;

/// Small valid files, one per text format (the mutation seeds).
const SEEDS: [&str; 7] = [
    "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime\tweekly_views\tcumulative_weeks_in_top_10\n\
     2026-07-19\tFilms (English)\t2\tVoicemails for Isabelle\tN/A\t11200000\t1.9667\t5700000\t5\n\
     2022-09-04\tTV (English)\t4\tPartner Track\tPartner Track: Season 1\t12345000\t\t\t2\n",
    "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\tcumulative_weeks_in_top_10\n\
     2022-11-06\tFilms (English)\t1\tEnola Holmes 2\tN/A\t64080000\t1\n",
    "country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title\tseason_title\tcumulative_weeks_in_top_10\n\
     Argentina\tAR\t2022-02-27\tFilms\t1\tRestless\tN/A\t1\n",
    "category\trank\tshow_title\tseason_title\thours_viewed_first_91_days\truntime\tviews_first_91_days\n\
     Films (English)\t1\tKPop Demon Hunters\tN/A\t541800000\t1.6667\t325100000\n",
    "name,number_of_seasons,vote_count,vote_average,popularity,network1,first_air_date,last_air_date,status,renewed,show_duration\r\n\
     Game of Thrones,8,21857,8.442,1083.917,HBO,2011-04-17,2019-05-19,Ended,FALSE,2954\r\n",
    "id,title,type,release_year,age_certification,runtime,genres,production_countries,seasons,imdb_id,imdb_score,imdb_votes,tmdb_popularity,tmdb_score\r\n\
     tm84618,Taxi Driver,MOVIE,1976,R,114,\"['drama', 'crime']\",['US'],,tt0075314,8.2,808582,40.965,8.179\r\n",
    "person_id,id,name,character,role\r\n3748,tm84618,Robert De Niro,Travis Bickle,ACTOR\r\n",
];

/// Every seed is valid as the format it is written in, so mutations start from the happy path.
#[test]
fn seeds_are_valid() {
    let path = Path::new("seed");
    for seed in SEEDS {
        let format = detect(path, seed.as_bytes()).unwrap();
        let parsed = read_as(path, seed.as_bytes(), format).unwrap();
        assert!(!parsed.is_empty());
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, u8),
    Delete(usize),
    Replace(usize, u8),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    // Bias inserted bytes toward the ones that matter to the parsers.
    let byte = prop_oneof![
        any::<u8>(),
        prop::sample::select(b"\t,\n\r\"'-0:.N/A[]*\xEF\xBB\xBF\xFF".to_vec()),
    ];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), byte).prop_map(|(i, b)| Edit::Replace(i, b)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let n = bytes.len();
        match *e {
            Edit::Insert(i, b) => bytes.insert(i % (n + 1), b),
            Edit::Delete(i) if n > 0 => {
                bytes.remove(i % n);
            }
            Edit::Replace(i, b) if n > 0 => bytes[i % n] = b,
            Edit::Truncate(i) => bytes.truncate(i % (n + 1)),
            _ => {}
        }
    }
    bytes
}

/// Runs detection and every reader; panics (failing the property) only if a reader panics or
/// returns an error that is not located in `path`.
fn exercise(bytes: &[u8]) {
    let path = Path::new("fuzz/input.tsv");
    let check = |r: Result<(), SourceError>| {
        if let Err(e) = r {
            let loc = e
                .location()
                .expect("readers only return Invalid errors on bytes");
            assert_eq!(loc.file, path);
            assert!(!e.to_string().is_empty());
        }
    };
    check(detect(path, bytes).map(|_| ()));
    for format in Format::ALL {
        check(read_as(path, bytes, format).map(|_| ()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        exercise(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_a_zip_magic_never_panic(tail in prop::collection::vec(any::<u8>(), 0..512)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend_from_slice(&tail);
        exercise(&bytes);
    }

    #[test]
    fn mutated_valid_files_never_panic(seed in 0..SEEDS.len(), edits in prop::collection::vec(edit(), 1..6)) {
        exercise(&apply(SEEDS[seed].as_bytes().to_vec(), &edits));
    }

    /// Lines shuffled, duplicated or dropped: field counts and header positions change wholesale.
    #[test]
    fn reshuffled_lines_never_panic(seed in 0..SEEDS.len(), picks in prop::collection::vec(0usize..3, 0..5)) {
        let lines: Vec<&str> = SEEDS[seed].lines().collect();
        let text: Vec<&str> = picks.iter().map(|&i| lines[i % lines.len()]).collect();
        exercise(text.join("\n").as_bytes());
    }
}
