//! Every file of the site beside its gzip (`.gz`) and brotli (`.br`) forms, which the server
//! sends to browsers that accept them (`ServeDir::precompressed_*`): compressed once here, at
//! the highest settings, not on each request.

use std::io::Write;
use std::path::Path;

use crate::Result;

pub fn site(root: &Path) -> Result<()> {
    let mut files = Vec::new();
    crate::list_files(root, &mut files)?;
    files.retain(|f| !matches!(f.extension().and_then(|e| e.to_str()), Some("gz" | "br")));
    // The largest first, over as many threads as there are cores: brotli's best setting is slow.
    files.sort_by_key(|f| std::cmp::Reverse(std::fs::metadata(f).map(|m| m.len()).unwrap_or(0)));
    let threads = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    while let Some(file) = files.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                        compress(file)?;
                    }
                    Ok(())
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| w.join().unwrap_or_else(|_| Err("a compression thread panicked".into())))
    })
}

fn compress(file: &Path) -> Result<()> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(&bytes).map_err(|e| e.to_string())?;
    let gzip = gzip.finish().map_err(|e| e.to_string())?;
    let mut brotli = Vec::new();
    let params = brotli::enc::BrotliEncoderParams::default(); // quality 11, the best
    brotli::BrotliCompress(&mut bytes.as_slice(), &mut brotli, &params).map_err(|e| e.to_string())?;
    for (ext, packed) in [("gz", gzip), ("br", brotli)] {
        let mut name = file.as_os_str().to_owned();
        name.push(format!(".{ext}"));
        std::fs::write(&name, packed).map_err(|e| format!("cannot write {}: {e}", Path::new(&name).display()))?;
    }
    Ok(())
}
