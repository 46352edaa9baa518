//! `amend import FILE... [--data DIR]`: reads files in parallel (rayon, off the async
//! threads), stores each in its own transaction, and shows a progress bar.

use std::path::PathBuf;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use amend_store::{ImportOutcome, SqliteStore, Store};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

/// The data folder used when neither `--data` nor `AMEND_DATA` is given:
/// `$XDG_DATA_HOME/amend`, else `~/.local/share/amend` (the XDG base directory
/// convention), else `amend-data` in the working folder when no home is known.
pub fn default_data_dir() -> PathBuf {
    data_dir_from(std::env::var_os("XDG_DATA_HOME"), std::env::var_os("HOME"))
}

fn data_dir_from(
    xdg_data_home: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
) -> PathBuf {
    // The XDG specification says a relative $XDG_DATA_HOME is invalid and is ignored.
    if let Some(xdg) = xdg_data_home.map(PathBuf::from).filter(|p| p.is_absolute()) {
        return xdg.join("amend");
    }
    match home.filter(|h| !h.is_empty()) {
        Some(home) => PathBuf::from(home).join(".local/share/amend"),
        None => PathBuf::from("amend-data"),
    }
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// Files to import: plain text, CriticMarkup (.md) or Word (.docx).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The library's data folder.
    #[arg(long, env = "AMEND_DATA", default_value_os_t = default_data_dir())]
    data: PathBuf,
    /// A database URL instead of the data folder: `sqlite:PATH` or
    /// `postgres://USER:PASSWORD@HOST/DATABASE` (several servers may share one).
    #[arg(long)]
    db: Option<String>,
}

/// Opens the library named by `--db` (`postgres://...`, `sqlite:PATH`) or `--data`.
pub async fn open_store(
    data: &std::path::Path,
    db: Option<&str>,
) -> anyhow::Result<Arc<dyn Store>> {
    if let Some(url) = db
        && !url.starts_with("sqlite:")
    {
        return Ok(Arc::from(amend_store::open(url).await?));
    }
    let store = match db {
        Some(url) => {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            SqliteStore::open_file(path.as_ref()).await?
        }
        None => SqliteStore::open_dir(data).await?,
    };
    // For the crash test only: hold each import transaction open this long.
    let pause = std::env::var("AMEND_IMPORT_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis);
    Ok(Arc::new(store.with_pause_in_transaction(pause)))
}

type Prepared = (PathBuf, Result<amend_store::NewDocument, String>);

pub fn run(args: &ImportArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let store = runtime.block_on(open_store(&args.data, args.db.as_deref()))?;

    let bar = ProgressBar::new(args.files.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );

    // Parse on rayon's threads, write on this one: the store has one writer anyway.
    let (sender, receiver) = mpsc::sync_channel::<Prepared>(64);
    let files = args.files.clone();
    let producer = std::thread::spawn(move || {
        files.par_iter().for_each_with(sender, |sender, path| {
            let prepared = std::fs::read(path)
                .map_err(|e| e.to_string())
                .and_then(|bytes| {
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| path.display().to_string());
                    amend_server::ingest::prepare(&name, &bytes).map_err(|e| e.to_string())
                });
            let _ = sender.send((path.clone(), prepared));
        });
    });

    let (mut imported, mut duplicates, mut failed) = (0usize, 0usize, 0usize);
    for (path, prepared) in receiver {
        match prepared {
            Ok(doc) => match runtime.block_on(store.import(doc)) {
                Ok(ImportOutcome::Imported(_)) => imported += 1,
                Ok(ImportOutcome::Duplicate(id)) => {
                    duplicates += 1;
                    bar.println(format!(
                        "{}: already in the library (document {id})",
                        path.display()
                    ));
                }
                Err(e) => {
                    failed += 1;
                    bar.println(format!("{}: not stored: {e}", path.display()));
                }
            },
            Err(e) => {
                failed += 1;
                bar.println(format!("{}: {e}", path.display()));
            }
        }
        bar.inc(1);
    }
    let _ = producer.join();
    bar.finish_and_clear();
    runtime.block_on(store.close());
    println!(
        "imported {imported}, already in the library {duplicates}, failed {failed} ({} files in {:.2} s)",
        args.files.len(),
        started.elapsed().as_secs_f64()
    );
    if failed > 0 {
        anyhow::bail!("{failed} of {} files were not imported", args.files.len());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::data_dir_from;
    use std::path::PathBuf;

    #[test]
    fn the_default_data_folder_follows_xdg() {
        let dir =
            |x: Option<&str>, h: Option<&str>| data_dir_from(x.map(Into::into), h.map(Into::into));
        assert_eq!(
            dir(Some("/x/data"), Some("/home/d")),
            PathBuf::from("/x/data/amend")
        );
        assert_eq!(
            dir(None, Some("/home/d")),
            PathBuf::from("/home/d/.local/share/amend")
        );
        // A relative XDG_DATA_HOME is invalid by the specification.
        assert_eq!(
            dir(Some("rel"), Some("/home/d")),
            PathBuf::from("/home/d/.local/share/amend")
        );
        assert_eq!(dir(None, None), PathBuf::from("amend-data"));
    }
}
