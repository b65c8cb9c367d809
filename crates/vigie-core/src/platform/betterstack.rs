//! Better Stack (stub: being written)
use crate::model::{Incident, Reading};
use crate::platform::ReadError;

pub fn endpoints(base: &str) -> Vec<String> { vec![format!("{base}/index.json")] }
pub fn read(_body: &[u8]) -> Result<Reading, ReadError> { Err(ReadError::Shape("unwritten".into())) }
