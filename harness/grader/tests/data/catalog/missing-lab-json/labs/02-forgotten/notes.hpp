// no lab.json next to me
