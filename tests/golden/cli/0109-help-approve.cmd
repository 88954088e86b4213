help approve
