//! Instatus (stub: being written)
use crate::model::{Incident, Reading};
use crate::platform::ReadError;

pub fn endpoints(base: &str) -> Vec<String> { vec![format!("{base}/v3/summary.json"), format!("{base}/v3/components.json")] }
pub fn read(_summary: &[u8], _components: &[u8]) -> Result<Reading, ReadError> { Err(ReadError::Shape("unwritten".into())) }
