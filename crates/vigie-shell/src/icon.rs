//! The tray icon, drawn at run time as RGBA pixels.
//!
//! Why drawn and not shipped as files: one small renderer gives every state at any size crisply
//! (16, 22 and 32 px panels, HiDPI), and each state has its own *shape* as well as its own colour,
//! so the icon still reads for colour-blind users and on monochrome-ish panels:
//! operational = green disc, maintenance = blue rounded square, degraded = yellow triangle,
//! partial outage = orange diamond, major outage = red cross, unknown/offline = grey ring with a
//! slash. Shapes are signed-distance functions, anti-aliased analytically, with a darker rim so they
//! stand out on light and dark panels alike. The centre pixel is always the pure state colour (the
//! headless test reads it from a screenshot).

use vigie_core::Severity;

/// What the tray shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IconState {
    Operational,
    Maintenance,
    Degraded,
    PartialOutage,
    MajorOutage,
    /// No reading, or the machine is offline.
    Unknown,
}

impl IconState {
    pub const ALL: [IconState; 6] = [
        IconState::Operational,
        IconState::Maintenance,
        IconState::Degraded,
        IconState::PartialOutage,
        IconState::MajorOutage,
        IconState::Unknown,
    ];

    /// The icon for an overall status; `online = false` always shows the offline icon.
    pub fn for_overall(overall: Severity, online: bool) -> IconState {
        if !online {
            return IconState::Unknown;
        }
        match overall {
            Severity::Operational => IconState::Operational,
            Severity::Maintenance => IconState::Maintenance,
            Severity::Degraded => IconState::Degraded,
            Severity::PartialOutage => IconState::PartialOutage,
            Severity::MajorOutage => IconState::MajorOutage,
            Severity::Unknown => IconState::Unknown,
        }
    }

    /// Fill colour (sRGB).
    pub fn color(self) -> [u8; 3] {
        match self {
            IconState::Operational => [0x2E, 0xB8, 0x5C],
            IconState::Maintenance => [0x3B, 0x82, 0xF6],
            IconState::Degraded => [0xF5, 0xC4, 0x00],
            IconState::PartialOutage => [0xF9, 0x73, 0x16],
            IconState::MajorOutage => [0xDC, 0x26, 0x26],
            IconState::Unknown => [0x8A, 0x8F, 0x98],
        }
    }

    /// A text symbol with the same shape, for menu lines.
    pub fn symbol(self) -> &'static str {
        match self {
            IconState::Operational => "●",
            IconState::Maintenance => "■",
            IconState::Degraded => "▲",
            IconState::PartialOutage => "◆",
            IconState::MajorOutage => "✖",
            IconState::Unknown => "⊘",
        }
    }

    /// Signed distance (normalised units: the icon spans -1..1) from `(x, y)` to the shape's edge;
    /// negative inside.
    fn sdf(self, x: f32, y: f32) -> f32 {
        match self {
            IconState::Operational => (x * x + y * y).sqrt() - 0.76,
            IconState::Maintenance => rounded_box(x, y, 0.8, 0.8, 0.16),
            IconState::Degraded => {
                // Upward triangle: apex at (0, top), base at y = bottom, half-width `half`.
                let (top, half, bottom) = (-0.86_f32, 0.94_f32, 0.78_f32);
                let h = bottom - top;
                let side = (h * x.abs() - half * (y - top)) / (h * h + half * half).sqrt();
                (y - bottom).max(side)
            }
            IconState::PartialOutage => (x.abs() + y.abs() - 0.95) / std::f32::consts::SQRT_2,
            IconState::MajorOutage => {
                let (u, v) = rotate45(x, y);
                rounded_box(u, v, 0.98, 0.27, 0.08).min(rounded_box(v, u, 0.98, 0.27, 0.08))
            }
            IconState::Unknown => {
                let ring = ((x * x + y * y).sqrt() - 0.66).abs() - 0.17;
                let (u, v) = rotate45(x, y);
                ring.min(rounded_box(v, u, 0.16, 0.8, 0.04))
            }
        }
    }

    /// Filled shapes get a darker rim; the line-art "unknown" icon does not (its lines are thin).
    fn rim(self) -> bool {
        self != IconState::Unknown
    }
}

fn rounded_box(x: f32, y: f32, hx: f32, hy: f32, r: f32) -> f32 {
    let qx = x.abs() - (hx - r);
    let qy = y.abs() - (hy - r);
    let outside = (qx.max(0.0).powi(2) + qy.max(0.0).powi(2)).sqrt();
    outside + qx.max(qy).min(0.0) - r
}

fn rotate45(x: f32, y: f32) -> (f32, f32) {
    let c = std::f32::consts::FRAC_1_SQRT_2;
    ((x + y) * c, (y - x) * c)
}

/// Render `state` as `size`×`size` straight (non-premultiplied) RGBA.
pub fn render(state: IconState, size: u32) -> Vec<u8> {
    let size = size.max(1);
    let n = size as f32;
    let px_per_unit = n / 2.0;
    // Rim width in pixels: about one pixel, a bit more on big icons.
    let rim = (n / 20.0).clamp(1.0, 2.5);
    let fill = state.color();
    let dark = fill.map(|c| (f32::from(c) * 0.55) as u8);
    let mut out = Vec::with_capacity((size * size * 4) as usize);
    for j in 0..size {
        for i in 0..size {
            // Pixel centre in normalised coordinates.
            let x = ((i as f32 + 0.5) - n / 2.0) / px_per_unit;
            let y = ((j as f32 + 0.5) - n / 2.0) / px_per_unit;
            let d = state.sdf(x, y) * px_per_unit;
            let alpha = (0.5 - d).clamp(0.0, 1.0);
            let t = if state.rim() {
                (d + rim + 0.5).clamp(0.0, 1.0)
            } else {
                0.0
            };
            for k in 0..3 {
                let c = f32::from(fill[k]) * (1.0 - t) + f32::from(dark[k]) * t;
                out.push(c.round() as u8);
            }
            out.push((alpha * 255.0).round() as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(state: IconState, size: u32) -> Vec<bool> {
        render(state, size).chunks(4).map(|p| p[3] >= 128).collect()
    }

    #[test]
    fn masks_differ_between_states() {
        for size in [16, 22, 32] {
            for (i, a) in IconState::ALL.iter().enumerate() {
                let ma = mask(*a, size);
                let filled = ma.iter().filter(|b| **b).count();
                assert!(
                    filled > (size * size / 8) as usize,
                    "{a:?} at {size} px is almost empty ({filled} px)"
                );
                for b in &IconState::ALL[i + 1..] {
                    let mb = mask(*b, size);
                    let diff = ma.iter().zip(&mb).filter(|(x, y)| x != y).count();
                    // At least 1/16 of the pixels differ: distinguishable without colour.
                    assert!(
                        diff * 16 >= (size * size) as usize,
                        "{a:?} vs {b:?} at {size} px differ in only {diff} px"
                    );
                }
            }
        }
    }

    #[test]
    fn centre_pixel_is_the_state_colour() {
        for size in [16, 22, 32, 64] {
            for s in IconState::ALL {
                let px = render(s, size);
                let c = ((size / 2) * size + size / 2) as usize * 4;
                assert_eq!(&px[c..c + 3], &s.color(), "{s:?} at {size} px");
                assert_eq!(px[c + 3], 255, "{s:?} at {size} px is not opaque");
            }
        }
    }

    #[test]
    fn corners_are_transparent() {
        for s in IconState::ALL {
            let px = render(s, 22);
            assert_eq!(px[3], 0, "{s:?}");
            assert_eq!(px[px.len() - 1], 0, "{s:?}");
        }
    }

    #[test]
    fn overall_maps_to_icon() {
        assert_eq!(
            IconState::for_overall(Severity::MajorOutage, true),
            IconState::MajorOutage
        );
        assert_eq!(
            IconState::for_overall(Severity::MajorOutage, false),
            IconState::Unknown
        );
        assert_eq!(
            IconState::for_overall(Severity::Unknown, true),
            IconState::Unknown
        );
    }

    /// `cargo test -p vigie-shell dump_icons -- --ignored` writes PPM previews to look at.
    #[test]
    #[ignore]
    fn dump_icons() {
        for s in IconState::ALL {
            for size in [16u32, 22, 32] {
                let px = render(s, size);
                let mut ppm = format!("P6 {size} {size} 255\n").into_bytes();
                for p in px.chunks(4) {
                    let a = u16::from(p[3]);
                    for c in &p[..3] {
                        // Over white, like trayer's background.
                        ppm.push(((u16::from(*c) * a + 255 * (255 - a)) / 255) as u8);
                    }
                }
                let path = std::env::temp_dir().join(format!("vigie-{s:?}-{size}.ppm"));
                std::fs::write(&path, ppm).expect("write preview");
            }
        }
    }
}
