//! Ollama (stub: being written)
use crate::model::Reading;
use crate::platform::Fetch;
pub fn endpoints(base: &str) -> Vec<String> { vec![format!("{base}/api/version"), format!("{base}/api/tags")] }
pub fn read_probe(_f: &[Fetch<'_>]) -> Reading { Reading::default() }
