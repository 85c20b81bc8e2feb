//! `load_data(path="data/studios.toml")`: TOML, JSON, CSV or plain text files under the site
//! root, read once per build however many pages ask, and never from outside the root or from
//! the output directory.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use tera::Value;

/// Files larger than this are refused: a template that loads a 50 MB table into every page
/// would hold it as template values many times over.
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// How a data file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum DataFormat {
    Toml,
    Json,
    Csv,
    Plain,
}

impl DataFormat {
    fn named(name: &str) -> Option<DataFormat> {
        match name.to_ascii_lowercase().as_str() {
            "toml" => Some(DataFormat::Toml),
            "json" => Some(DataFormat::Json),
            "csv" => Some(DataFormat::Csv),
            "plain" | "txt" => Some(DataFormat::Plain),
            _ => None,
        }
    }
}

/// The data files of one build: what was asked for, and what each read gave.
#[derive(Debug)]
pub struct DataFiles {
    root: PathBuf,
    output: PathBuf,
    loaded: Mutex<BTreeMap<(String, DataFormat), Result<Value, String>>>,
}

impl DataFiles {
    /// Data files under `root`, where `output` (the output directory) is off limits.
    pub fn new(root: &Path, output: &Path) -> DataFiles {
        DataFiles {
            root: root.to_path_buf(),
            output: output.to_path_buf(),
            loaded: Mutex::new(BTreeMap::new()),
        }
    }

    /// The file at `path` (relative to the site root) as a template value, read as `format`
    /// (`toml`, `json`, `csv` or `plain`) or as its extension says; the same value every time
    /// within a build. The error says what is wrong and what to do.
    pub fn load(&self, path: &str, format: Option<&str>) -> Result<Value, String> {
        let relative = checked_relative(path)?;
        let format = match format {
            Some(name) => DataFormat::named(name).ok_or_else(|| {
                format!("`{name}` is not a data format: use \"toml\", \"json\", \"csv\" or \"plain\"")
            })?,
            None => Path::new(path)
                .extension()
                .and_then(|e| e.to_str())
                .and_then(DataFormat::named)
                .ok_or_else(|| {
                    format!(
                        "cannot tell the format of `{path}`: name it .toml, .json, .csv or .txt, or pass format=\"plain\""
                    )
                })?,
        };
        // Held while reading, so pages rendered in parallel read each file once.
        let mut loaded = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        loaded
            .entry((relative.clone(), format))
            .or_insert_with(|| self.read(&relative, format))
            .clone()
    }

    /// Every path asked for, relative to the site root, whether it could be read or not (a
    /// missing file that appears later must rebuild what asked for it).
    pub fn paths(&self) -> Vec<String> {
        let loaded = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        let mut paths: Vec<String> = loaded.keys().map(|(path, _)| path.clone()).collect();
        paths.dedup();
        paths
    }

    fn read(&self, relative: &str, format: DataFormat) -> Result<Value, String> {
        let path = self.root.join(relative);
        let real = path.canonicalize().map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => {
                format!("there is no file `{relative}` under the site root")
            }
            _ => format!("cannot read `{relative}`: {err}"),
        })?;
        let root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        if !real.starts_with(&root) {
            return Err(format!(
                "`{relative}` is a link to a file outside the site root, which load_data never reads"
            ));
        }
        let output = self
            .output
            .canonicalize()
            .unwrap_or_else(|_| self.output.clone());
        if real.starts_with(&output) {
            return Err(format!(
                "`{relative}` is in the output directory, which a build replaces: keep data files elsewhere, e.g. in data/"
            ));
        }
        let metadata =
            std::fs::metadata(&real).map_err(|e| format!("cannot read `{relative}`: {e}"))?;
        if !metadata.is_file() {
            return Err(format!("`{relative}` is not a regular file"));
        }
        if metadata.len() > MAX_BYTES {
            return Err(format!(
                "`{relative}` is {:.1} MB; load_data reads files of up to {} MB",
                metadata.len() as f64 / 1e6,
                MAX_BYTES / (1024 * 1024)
            ));
        }
        let bytes = std::fs::read(&real).map_err(|e| format!("cannot read `{relative}`: {e}"))?;
        let text =
            String::from_utf8(bytes).map_err(|_| format!("`{relative}` is not UTF-8 text"))?;
        parse(&text, format).map_err(|problem| format!("`{relative}`: {problem}"))
    }
}

/// `path` as a relative path of plain names joined by `/`, or why it may not be read.
fn checked_relative(path: &str) -> Result<String, String> {
    let mut names = Vec::new();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(name) => names.push(
                name.to_str()
                    .ok_or_else(|| format!("`{path}` is not UTF-8"))?
                    .to_string(),
            ),
            Component::CurDir => {}
            Component::ParentDir => {
                return Err(format!(
                    "`{path}` climbs out with `..`: load_data reads only files under the site root"
                ));
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!(
                    "`{path}` is absolute: write the path from the site root, e.g. \"data/studios.toml\""
                ));
            }
        }
    }
    if names.is_empty() {
        return Err("the path is empty: name a file, e.g. \"data/studios.toml\"".to_string());
    }
    Ok(names.join("/"))
}

/// A data file's text as a template value. CSV is `{ headers: [...], records: [[...], ...] }`,
/// as Zola gives it.
fn parse(text: &str, format: DataFormat) -> Result<Value, String> {
    match format {
        DataFormat::Plain => Ok(Value::from(text)),
        DataFormat::Json => {
            let json: serde_json::Value =
                serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
            Value::try_from_serializable(&json).map_err(|e| e.to_string())
        }
        DataFormat::Toml => {
            let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
                format!("not valid TOML: {}", e.to_string().trim())
            })?;
            // Dates as the text written, as templates see `[extra]`.
            Ok(super::values::extra_value(&table))
        }
        DataFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
            let headers: Vec<String> = reader
                .headers()
                .map_err(|e| format!("not valid CSV: {e}"))?
                .iter()
                .map(str::to_string)
                .collect();
            let mut records = Vec::new();
            for record in reader.records() {
                let record = record.map_err(|e| format!("not valid CSV: {e}"))?;
                records.push(record.iter().map(str::to_string).collect::<Vec<_>>());
            }
            let table = serde_json::json!({ "headers": headers, "records": records });
            Value::try_from_serializable(&table).map_err(|e| e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, DataFiles) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("data")).unwrap();
        std::fs::create_dir_all(root.join("public")).unwrap();
        let files = DataFiles::new(&root, &root.join("public"));
        (dir, files)
    }

    fn write(files: &DataFiles, relative: &str, text: &str) {
        std::fs::write(files.root.join(relative), text).unwrap();
    }

    #[test]
    fn each_format_becomes_a_value() {
        let (_dir, files) = site();
        write(
            &files,
            "data/s.toml",
            "name = \"A24\"\nsince = 2026-11-24\n[[deal]]\nn = 1\n",
        );
        write(
            &files,
            "data/s.json",
            "{\"name\": \"A24\", \"n\": [1, 2.5]}",
        );
        write(
            &files,
            "data/s.csv",
            "studio,partner\nA24,Google\nLionsgate,Runway\n",
        );
        write(&files, "data/s.txt", "plain <b>text</b>");
        let json = |v: Value| serde_json::to_value(&v).unwrap();
        assert_eq!(
            json(files.load("data/s.toml", None).unwrap()),
            serde_json::json!({"name": "A24", "since": "2026-11-24", "deal": [{"n": 1}]})
        );
        assert_eq!(
            json(files.load("data/s.json", None).unwrap()),
            serde_json::json!({"name": "A24", "n": [1, 2.5]})
        );
        assert_eq!(
            json(files.load("./data/s.csv", None).unwrap()),
            serde_json::json!({"headers": ["studio", "partner"],
                "records": [["A24", "Google"], ["Lionsgate", "Runway"]]})
        );
        assert_eq!(
            json(files.load("data/s.txt", None).unwrap()),
            "plain <b>text</b>"
        );
        // A format named overrides the extension.
        assert_eq!(
            json(files.load("data/s.csv", Some("plain")).unwrap()),
            "studio,partner\nA24,Google\nLionsgate,Runway\n"
        );
        assert_eq!(
            files.paths(),
            ["data/s.csv", "data/s.json", "data/s.toml", "data/s.txt"]
        );
    }

    #[test]
    fn a_file_is_read_once_per_build() {
        let (_dir, files) = site();
        write(&files, "data/s.toml", "n = 1");
        let first = files.load("data/s.toml", None).unwrap();
        write(&files, "data/s.toml", "n = 2");
        assert_eq!(files.load("data/s.toml", None).unwrap(), first);
        let next_build = DataFiles::new(&files.root, &files.output);
        assert_ne!(next_build.load("data/s.toml", None).unwrap(), first);
    }

    #[test]
    fn paths_out_of_the_root_are_refused_before_any_read() {
        let (dir, files) = site();
        std::fs::write(dir.path().join("secret.toml"), "k = 1").unwrap();
        write(&files, "public/built.toml", "k = 1");
        std::os::unix::fs::symlink(
            dir.path().join("secret.toml"),
            files.root.join("data/link.toml"),
        )
        .unwrap();
        for (path, says) in [
            ("../secret.toml", "climbs out"),
            ("data/../../secret.toml", "climbs out"),
            ("/etc/passwd.toml", "absolute"),
            ("", "empty"),
            (".", "empty"),
            ("data/link.toml", "outside the site root"),
            ("public/built.toml", "output directory"),
            ("data/missing.toml", "no file `data/missing.toml`"),
            ("data", "cannot tell the format"),
            ("data/s.yaml", "cannot tell the format"),
        ] {
            let err = files.load(path, None).unwrap_err();
            assert!(err.contains(says), "{path:?}: {err}");
        }
        std::fs::create_dir(files.root.join("data/dir.toml")).unwrap();
        assert!(
            files
                .load("data/dir.toml", None)
                .unwrap_err()
                .contains("not a regular file")
        );
        assert!(
            files
                .load("data/x.toml", Some("yaml"))
                .unwrap_err()
                .contains("not a data format")
        );
    }

    #[test]
    fn bad_and_oversized_files_are_errors_naming_the_file() {
        let (_dir, files) = site();
        write(&files, "data/bad.toml", "a = \n");
        write(&files, "data/bad.json", "{");
        write(&files, "data/bad.csv", "a,b\n1,2,3\n");
        std::fs::write(files.root.join("data/bin.txt"), b"\xff\xfe").unwrap();
        for (path, says) in [
            ("data/bad.toml", "not valid TOML"),
            ("data/bad.json", "not valid JSON"),
            ("data/bad.csv", "not valid CSV"),
            ("data/bin.txt", "not UTF-8"),
        ] {
            let err = files.load(path, None).unwrap_err();
            assert!(err.contains(says) && err.contains(path), "{path}: {err}");
        }
        let big = std::fs::File::create(files.root.join("data/big.csv")).unwrap();
        big.set_len(50 * 1000 * 1000).unwrap();
        let err = files.load("data/big.csv", None).unwrap_err();
        assert!(
            err.contains("50.0 MB") && err.contains("up to 16 MB"),
            "{err}"
        );
    }
}
