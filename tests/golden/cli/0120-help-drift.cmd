help drift
