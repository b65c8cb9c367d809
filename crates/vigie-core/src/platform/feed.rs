//! RSS / Atom (stub: being written)
use crate::model::{Incident, Reading};
use crate::platform::ReadError;

pub fn read(_body: &[u8]) -> Result<Reading, ReadError> { Err(ReadError::Shape("unwritten".into())) }
pub fn entries(_body: &[u8]) -> Result<Vec<Incident>, ReadError> { Err(ReadError::Shape("unwritten".into())) }
