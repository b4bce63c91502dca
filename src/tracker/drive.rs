//! The timer side of [`Trackers`]: connects, offer deadlines and expiry, and building each
//! announce when it is due (PROTOCOL.md §1.3, §1.5, §1.7).

use super::client::PendingOffer;
use super::client::{
    Gathering, Swarm, Trackers, CLOSE_LINGER, MAX_MESSAGE_LEN, MAX_OFFERS_PER_ANNOUNCE, MAX_PENDING_OFFERS,
    OFFER_ANSWER_TIMEOUT, OFFER_GATHER_TIMEOUT,
};
use super::message::{Announce, AnnounceEvent, OfferId};
use super::output::TrackerOutput;
use crate::time::Instant;

impl Trackers {
    pub(super) fn expire_offers(&mut self, now: Instant) {
        let late: Vec<OfferId> = self
            .offers
            .iter()
            .filter(|(_, o)| o.sent_at.is_some_and(|at| now >= at + OFFER_ANSWER_TIMEOUT))
            .map(|(id, _)| *id)
            .collect();
        for offer_id in late {
            self.offers.remove(&offer_id);
            self.out.push_back(TrackerOutput::DropOffer { offer_id });
        }
    }

    pub(super) fn drive_tracker(&mut self, index: usize, now: Instant) {
        let Some(tracker) = self.trackers.get_mut(index) else {
            return;
        };
        if tracker.link.poll_connect(now) {
            self.out.push_back(TrackerOutput::Connect { url: tracker.url.clone() });
        }
        if tracker.link.is_up() {
            for e in 0..tracker.entries.len() {
                self.drive_entry(index, e, now);
            }
        }
        if let Some(tracker) = self.trackers.get_mut(index) {
            tracker.entries.retain(|e| !e.announcer.is_finished());
            if tracker.entries.is_empty() && tracker.close_at.is_none() {
                tracker.close_at = Some(now + CLOSE_LINGER);
            }
        }
    }

    fn drive_entry(&mut self, t: usize, e: usize, now: Instant) {
        let Some(entry) = self.trackers.get_mut(t).and_then(|tr| tr.entries.get_mut(e)) else {
            return;
        };
        let info_hash = entry.info_hash;
        if let Some(g) = &entry.gathering {
            let ready = g.offers.iter().all(|id| self.offers.get(id).is_none_or(|o| o.sdp.is_some()));
            if ready || now >= g.deadline {
                let g = g.clone();
                entry.gathering = None;
                self.send_announce(t, e, g.event, g.offers, now);
            }
            return;
        }
        let Some(event) = entry.announcer.poll_announce(now) else {
            return;
        };
        let with_offers = !matches!(event, Some(AnnounceEvent::Completed | AnnounceEvent::Stopped));
        let wanted = self.swarms.iter().find(|s| s.info_hash == info_hash).map_or(0, |s| s.wanted_offers);
        let out_already = self.pending_offers(info_hash);
        let room = MAX_PENDING_OFFERS.saturating_sub(self.offers.len());
        let count =
            if with_offers { wanted.saturating_sub(out_already).min(MAX_OFFERS_PER_ANNOUNCE).min(room) } else { 0 };
        if count == 0 {
            self.send_announce(t, e, event, Vec::new(), now);
            return;
        }
        let url = self.trackers.get(t).map(|tr| tr.url.clone()).unwrap_or_default();
        let mut offer_ids = Vec::with_capacity(count);
        while offer_ids.len() < count {
            let id = OfferId(self.rng.bytes20());
            if self.offers.contains_key(&id) {
                continue;
            }
            self.offers.insert(id, PendingOffer { url: url.clone(), info_hash, sdp: None, sent_at: None });
            offer_ids.push(id);
        }
        self.out.push_back(TrackerOutput::CreateOffers { info_hash, offer_ids: offer_ids.clone() });
        if let Some(entry) = self.trackers.get_mut(t).and_then(|tr| tr.entries.get_mut(e)) {
            entry.gathering = Some(Gathering { event, offers: offer_ids, deadline: now + OFFER_GATHER_TIMEOUT });
        }
    }

    /// Sends an announce with the offers whose SDP is ready, dropping the rest, and fewer if
    /// the text would pass aquatic's frame cap.
    fn send_announce(
        &mut self,
        t: usize,
        e: usize,
        event: Option<AnnounceEvent>,
        offer_ids: Vec<OfferId>,
        now: Instant,
    ) {
        let Some(tracker) = self.trackers.get(t) else { return };
        let Some(entry) = tracker.entries.get(e) else { return };
        let Some(swarm) = self.swarms.iter().find(|s| s.info_hash == entry.info_hash).cloned().or_else(|| {
            // A removed torrent still says `stopped`.
            (event == Some(AnnounceEvent::Stopped)).then_some(Swarm {
                info_hash: entry.info_hash,
                uploaded: 0,
                downloaded: 0,
                left: None,
                wanted_offers: 0,
            })
        }) else {
            return;
        };
        let url = tracker.url.clone();
        let mut ready = Vec::new();
        for id in offer_ids {
            match self.offers.get(&id).and_then(|o| o.sdp.clone()) {
                Some(sdp) => ready.push((id, sdp)),
                None => {
                    if self.offers.remove(&id).is_some() {
                        self.out.push_back(TrackerOutput::DropOffer { offer_id: id });
                    }
                }
            }
        }
        let mut announce = Announce {
            info_hash: swarm.info_hash,
            peer_id: self.peer_id,
            uploaded: swarm.uploaded,
            downloaded: swarm.downloaded,
            left: swarm.left,
            event,
            offers: ready,
            tracker_id: entry.announcer.tracker_id.clone(),
        };
        let mut text = announce.to_json();
        while text.len() > MAX_MESSAGE_LEN {
            let Some((id, _)) = announce.offers.pop() else { break };
            self.offers.remove(&id);
            self.out.push_back(TrackerOutput::DropOffer { offer_id: id });
            text = announce.to_json();
        }
        for (id, _) in &announce.offers {
            if let Some(o) = self.offers.get_mut(id) {
                o.sent_at = Some(now);
            }
        }
        self.out.push_back(TrackerOutput::Send { url, text });
    }
}
